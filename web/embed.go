// Package web holds the workbench front end: its sources (src/, built with npm and Vite by build.sh) and the
// built bundle in dist/, embedded here so that the Go binary serves it without Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist returns the built workbench (index.html and its assets) rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; fs.Sub fails only on an invalid name
	}
	return sub
}
