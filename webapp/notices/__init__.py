"""情報提供: お知らせ and 求人情報の提供 from an office to its job-seekers' My Page."""
