package swfserver

import (
	"fmt"
	"slices"
	"time"

	"github.com/flowy-go/flowy/internal/swfwire"
)

// paginate returns one page of a listing. items are in the listing's natural
// order, which must be the ascending order of key; reverse lists them the
// other way. The next page starts after the key of the last item of this
// one, so items added or removed between pages (executions that close, new
// types) neither repeat nor shift the pages.
func paginate[T any](s *Server, op, domain, token string, size int, reverse bool, items []T, key func(T) []string) ([]T, string, error) {
	if size == 0 {
		size = maxPageSize
	}
	if reverse {
		items = slices.Clone(items)
		slices.Reverse(items)
	}
	start := 0
	if token != "" {
		p, err := s.tokens.parsePageToken(token, op, domain)
		if err != nil {
			return nil, "", err
		}
		if p.Reverse != reverse {
			return nil, "", newFault(swfwire.ExceptionValidation, "Invalid nextPageToken: it was issued with reverseOrder %v", p.Reverse)
		}
		for start < len(items) {
			c := slices.Compare(key(items[start]), p.After)
			if !reverse && c > 0 || reverse && c < 0 {
				break
			}
			start++
		}
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = s.tokens.pageToken(pageToken{Op: op, Domain: domain, After: key(items[end-1]), Reverse: reverse})
	}
	return items[start:end], next, nil
}

// newestFirst is a sort key of a time that sorts later times first.
func newestFirst(t time.Time) string {
	return fmt.Sprintf("%020d", uint64(1<<63-1)-uint64(max(t.UnixNano(), 0)))
}
