"""What only makes the site build fast: incremental pages, the second core, raw HTML kept out of Markdown, Pagefind's bundle."""
