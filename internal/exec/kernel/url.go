package kernel

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parse_url, parse_urlquery and parse_path: text split into the property bags Kusto returns.

func init() {
	registerRowFunc("parse_url", []string{"parseurl"}, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewDynamic(parseURL(v[0].S))
	})
	registerRowFunc("parse_urlquery", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		bag := types.NewBag()
		bag.Set("Query Parameters", parseQuery(strings.TrimPrefix(v[0].S, "?")))
		return types.NewDynamic(bag)
	})
	registerRowFunc("parse_path", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewDynamic(parsePath(v[0].S))
	})
}

// isScheme reports whether s is a URL scheme: a letter, then letters, digits, '+', '-' or '.'.
func isScheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isTermByte(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// parseURL splits an absolute URL. Missing parts are empty strings; text that is not an absolute URL gives a bag
// of empty parts.
func parseURL(s string) *types.Bag {
	var scheme, host, port, path, user, pass, fragment string
	query := types.NewBag()
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		scheme = s[:i]
		rest := s[i+3:]
		if j := strings.IndexByte(rest, '#'); j >= 0 {
			fragment = rest[j+1:]
			rest = rest[:j]
		}
		if j := strings.IndexByte(rest, '?'); j >= 0 {
			query = parseQuery(rest[j+1:])
			rest = rest[:j]
		}
		authority := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			authority, path = rest[:j], rest[j:]
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			user, authority = authority[:at], authority[at+1:]
			if c := strings.IndexByte(user, ':'); c >= 0 {
				user, pass = user[:c], user[c+1:]
			}
		}
		host = authority
		if strings.HasPrefix(authority, "[") {
			if end := strings.IndexByte(authority, ']'); end >= 0 {
				host = authority[:end+1]
				if rest := authority[end+1:]; strings.HasPrefix(rest, ":") {
					port = rest[1:]
				}
			}
		} else if c := strings.LastIndexByte(authority, ':'); c >= 0 {
			host, port = authority[:c], authority[c+1:]
		}
	}
	bag := types.NewBag()
	bag.Set("Scheme", scheme)
	bag.Set("Host", host)
	bag.Set("Port", port)
	bag.Set("Path", path)
	bag.Set("Username", user)
	bag.Set("Password", pass)
	bag.Set("Query Parameters", query)
	bag.Set("Fragment", fragment)
	return bag
}

// parseQuery turns k1=v1&k2=v2 into a bag of decoded strings; a repeated key keeps its last value.
func parseQuery(q string) *types.Bag {
	bag := types.NewBag()
	if q == "" {
		return bag
	}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		bag.Set(urlDecode(k), urlDecode(v))
	}
	return bag
}

// parsePath splits a file path (Windows or Unix, optionally file://) into Kusto's parse_path parts.
func parsePath(s string) *types.Bag {
	var scheme, root, dirPath, dirName, file, ext, stream string
	rest := s
	if i := strings.Index(rest, "://"); i > 0 && isScheme(rest[:i]) {
		scheme = rest[:i]
		rest = rest[i+3:]
	}
	if len(rest) >= 2 && rest[1] == ':' && (rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z') {
		root = rest[:2]
	}
	sep := strings.LastIndexAny(rest, `/\`)
	if sep >= 0 {
		dirPath, file = rest[:sep], rest[sep+1:]
		if d := strings.LastIndexAny(dirPath, `/\`); d >= 0 {
			dirName = dirPath[d+1:]
		} else if dirPath != root {
			dirName = dirPath
		}
	} else {
		file = rest
		if root != "" {
			file = rest[2:]
		}
	}
	if c := strings.IndexByte(file, ':'); c >= 0 {
		file, stream = file[:c], file[c+1:]
	}
	if dot := strings.LastIndexByte(file, '.'); dot >= 0 {
		ext = file[dot+1:]
	}
	bag := types.NewBag()
	bag.Set("Scheme", scheme)
	bag.Set("RootPath", root)
	bag.Set("DirectoryPath", dirPath)
	bag.Set("DirectoryName", dirName)
	bag.Set("Filename", file)
	bag.Set("Extension", ext)
	bag.Set("AlternateDataStreamName", stream)
	return bag
}
