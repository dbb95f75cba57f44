"""Administrative codes and names: statistics-bureau codes, Chinese place-name suffixes."""
