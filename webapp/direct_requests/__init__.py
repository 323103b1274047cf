"""求人者からのリクエスト: employers send an open posting to a published profile."""
