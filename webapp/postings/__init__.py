"""求人票: a posting's life from 下書き to 充足, its form, its code tables, its keyword text
and index, and the search over them (search.py, with the conditions read by
search_form.py), used by the employer's and the staff's pages and by 求人検索 alike."""
