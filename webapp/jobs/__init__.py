"""求人検索 as the job-seeker uses it: the search and posting pages, favourites (お気に入り)
and saved search conditions with their daily mail."""
