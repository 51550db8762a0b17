package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

func TestGeoLookup(t *testing.T) {
	// Two squares of 2x2 degrees on the equator (overlapping in lng 0..1), and a bad shape that never matches.
	squares := `let P = datatable(name:string, shape:dynamic)[
		"west", dynamic({"type":"Polygon","coordinates":[[[-1,-1],[1,-1],[1,1],[-1,1],[-1,-1]]]}),
		"east", dynamic({"type":"Polygon","coordinates":[[[0,-1],[2,-1],[2,1],[0,1],[0,-1]]]}),
		"bad", dynamic({"type":"Polygon"})];`
	// A meridian road from (0,0) to (0,1); 0.001 degrees of longitude at latitude 0.5 is 111.19 m.
	roads := `let R = datatable(road:string, line:dynamic, r:real)["m", dynamic({"type":"LineString","coordinates":[[0,0],[0,1]]}), 150.0];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"every polygon holding the point is a match; unmatched rows dropped",
			squares + ` datatable(id:string, lng:real, lat:real)["a", -0.5, 0, "b", 0.5, 0.5, "c", 3, 0, "d", 500, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat) | project strcat(id, ">", name)`,
			"a>west;b>west;b>east"},
		{"the key column is left out unless return_lookup_key",
			squares + ` datatable(id:string, lng:real, lat:real)["a", -0.5, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat) | getschema | project ColumnName`,
			"id;lng;lat;name"},
		{"return_lookup_key keeps the key column",
			squares + ` datatable(id:string, lng:real, lat:real)["a", -0.5, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat, return_lookup_key = true) | project tostring(shape.type)`,
			"Polygon"},
		{"return_unmatched keeps rows with nulls, invalid points included",
			squares + ` datatable(id:string, lng:real, lat:real)["c", 3, 0, "d", 500, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat, return_unmatched = true) | project strcat(id, ">", name)`,
			"c>;d>"},
		{"a radius matches points near the polygon: (3,0) is 111.2 km from the east square",
			squares + ` datatable(id:string, lng:real, lat:real)["c", 3, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat, 111300) | project strcat(id, ">", name)`,
			"c>east"},
		{"a radius just short of the distance does not match",
			squares + ` datatable(id:string, lng:real, lat:real)["c", 3, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat, 111100) | count`,
			"0"},
		{"positional radius and return_unmatched",
			squares + ` datatable(id:string, lng:real, lat:real)["c", 3, 0, "e", 9, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat, 111300, true) | project strcat(id, ">", name)`,
			"c>east;e>"},
		{"line lookup within the radius",
			roads + ` datatable(id:string, lng:real, lat:real)["near", 0.001, 0.5, "far", 0.002, 0.5] | evaluate geo_line_lookup(R, line, lng, lat, 120) | project strcat(id, ">", road)`,
			"near>m"},
		{"line lookup with a per-line radius column",
			roads + ` datatable(id:string, lng:real, lat:real)["near", 0.001, 0.5, "far", 0.002, 0.5] | evaluate geo_line_lookup(R, line, lng, lat, r, return_unmatched = true) | project strcat(id, ">", road)`,
			"near>m;far>"},
		{"input column names taken by the lookup table get a suffix",
			`let L = datatable(id:string, lng:real, shape:dynamic)["x", 9.0, dynamic({"type":"LineString","coordinates":[[0,0],[0,1]]})]; datatable(id:string, lng:real, lat:real)["p", 0, 0.5] | evaluate geo_line_lookup(L, shape, lng, lat, 1) | project strcat(id, ">", id1, ">", lng1)`,
			"p>x>9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestGeoLookupErrors(t *testing.T) {
	roads := `let R = datatable(road:string, line:dynamic)["m", dynamic({"type":"LineString","coordinates":[[0,0],[0,1]]})];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"line lookup needs a radius", roads + ` datatable(lng:real, lat:real)[0, 0] | evaluate geo_line_lookup(R, line, lng, lat)`,
			"expects 5 to 8 arguments"},
		{"unknown key column", roads + ` datatable(lng:real, lat:real)[0, 0] | evaluate geo_line_lookup(R, nope, lng, lat, 5)`,
			"the lookup table has no column 'nope'"},
		{"coordinates must be numeric", roads + ` datatable(lng:string, lat:real)["0", 0] | evaluate geo_line_lookup(R, line, lng, lat, 5)`,
			"must be numeric"},
		{"unknown named argument", roads + ` datatable(lng:real, lat:real)[0, 0] | evaluate geo_line_lookup(R, line, lng, lat, 5, nope = true)`,
			"unknown argument 'nope'"},
		{"radius must be a number", roads + ` datatable(lng:real, lat:real)[0, 0] | evaluate geo_line_lookup(R, line, lng, lat, "far")`,
			"radius must be a constant number"},
		{"key must be dynamic", `let P = datatable(shape:string)["x"]; datatable(lng:real, lat:real)[0, 0] | evaluate geo_polygon_lookup(P, shape, lng, lat)`,
			"must be dynamic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
