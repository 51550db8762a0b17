package exec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildExternalData reads the files of externaldata. Only local paths and file:// URLs are read: kqlhunt runs
// offline, so http(s) URLs are refused with a message saying what to do instead.
func (ctx *Context) buildExternalData(x *sema.ExternalData) (Operator, error) {
	compute := func(ctx *Context) (*types.Table, error) {
		texts := make([][]string, len(x.Fields))
		for _, uri := range x.URIs {
			if x.AllowHTTP && isHTTP(uri) {
				if err := fetchExternal(ctx.Ctx, uri, x, texts); err != nil {
					return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("externaldata: %v", err)}
				}
				continue
			}
			path, err := localPath(uri)
			if err != nil {
				return nil, &RuntimeError{Span: x.Span(), Msg: err.Error()}
			}
			if err := readExternalFile(path, x, texts); err != nil {
				return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("externaldata: %v", err)}
			}
		}
		out := &types.Table{Fields: x.Fields}
		for i, f := range x.Fields {
			col := &types.Column{Type: types.String, Strs: texts[i]}
			if col.Strs == nil {
				col.Strs = []string{}
			}
			var conv *types.Column
			var err error
			if f.Type == types.Dynamic {
				conv = newFilled(types.Dynamic, len(col.Strs))
				for r, s := range col.Strs {
					if d, perr := types.ParseJSON(s); perr == nil {
						conv.Dyns[r] = d
					} else if s != "" {
						conv.Dyns[r] = s
					}
				}
			} else if conv, err = ctx.castColumn(col, f.Type); err != nil {
				return nil, err
			}
			out.Cols = append(out.Cols, conv)
		}
		return out, nil
	}
	return &lazyOp{compute: compute}, nil
}

// localPath returns the file a URI names, or an error for URIs that would need the network.
func localPath(uri string) (string, error) {
	uri = strings.TrimSpace(uri)
	lower := strings.ToLower(uri)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return "", fmt.Errorf("externaldata: %s is not fetched: kqlhunt runs queries offline unless --allow-http is given; download the file and name its local path or a file:// URL, or pass --allow-http", uri)
	case strings.HasPrefix(lower, "file://"):
		u, err := url.Parse(uri)
		if err != nil {
			return "", fmt.Errorf("externaldata: invalid URL %s: %v", uri, err)
		}
		return u.Path, nil
	case strings.Contains(uri, "://"):
		return "", fmt.Errorf("externaldata: the URL scheme of %s is not supported (use a local path or a file:// URL)", uri)
	}
	return uri, nil
}

// maxFetchBytes bounds what one http(s) URI of externaldata may return.
const maxFetchBytes = 256 << 20

func isHTTP(uri string) bool {
	lower := strings.ToLower(strings.TrimSpace(uri))
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// fetchExternal appends the rows behind an http(s) URI to texts (only with AllowHTTP).
func fetchExternal(ctx context.Context, uri string, x *sema.ExternalData, texts [][]string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSpace(uri), nil)
	if err != nil {
		return fmt.Errorf("invalid URL %s: %v", uri, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %s", uri, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return fmt.Errorf("%s: %v", uri, err)
	}
	if len(body) > maxFetchBytes {
		return fmt.Errorf("%s: more than %d MiB", uri, maxFetchBytes>>20)
	}
	return readExternal(uri, bytes.NewReader(body), x, texts)
}

// readExternalFile appends the rows of one local file to texts.
func readExternalFile(path string, x *sema.ExternalData, texts [][]string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return readExternal(path, f, x, texts)
}

// readExternal appends the rows of one file to texts (one slice per column); path names it in errors.
func readExternal(path string, f io.Reader, x *sema.ExternalData, texts [][]string) error {
	add := func(rec []string) {
		for i := range texts {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			texts[i] = append(texts[i], v)
		}
	}
	first := true
	switch x.Format {
	case "txt", "raw":
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
		for sc.Scan() {
			if first && x.IgnoreFirstLine {
				first = false
				continue
			}
			first = false
			add([]string{strings.TrimRight(sc.Text(), "\r")})
		}
		return sc.Err()
	case "json", "multijson":
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			d, err := types.ParseJSON(text)
			if err != nil {
				return fmt.Errorf("%s:%d: %v", path, line, err)
			}
			rec := make([]string, len(texts))
			if bag, ok := d.(*types.Bag); ok {
				for i, fld := range x.Fields {
					if v, ok := bag.Get(fld.Name); ok {
						if s, isStr := v.(string); isStr {
							rec[i] = s
						} else if v != nil {
							rec[i] = types.FormatJSON(v)
						}
					}
				}
			}
			add(rec)
		}
		return sc.Err()
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if x.Format == "tsv" || x.Format == "tsve" {
		r.Comma = '\t'
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if first && x.IgnoreFirstLine {
			first = false
			continue
		}
		first = false
		add(rec)
	}
}
