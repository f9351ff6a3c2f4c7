package http

import (
	"html/template"
	"net/url"
)

// nextPageURL links a listing page at path to the page after it: the listing's filters in
// query (which it changes), with cursor next. With no next cursor there is no next page, and
// the link is "".
func nextPageURL(path string, query url.Values, next string) template.URL {
	if next == "" {
		return ""
	}
	if query == nil {
		query = url.Values{}
	}
	query.Set("cursor", next)
	return template.URL(path + "?" + query.Encode())
}
