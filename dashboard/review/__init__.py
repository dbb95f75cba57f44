"""Pieces of the 运行评估 page (``dashboard/views/review.py``): tables, charts, the records
upload and the relocation proposal."""
