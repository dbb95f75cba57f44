"""The array model of the placement problem and how a city becomes one."""
