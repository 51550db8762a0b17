package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

func TestIPLookup(t *testing.T) {
	ranges := `let R = datatable(net:string, site:string, tag:string)["10.0.0.0/8", "corp", "a", "10.1.0.0/16", "lab", "a", "10.1.2.3", "host", "b", "::ffff:192.168.0.0/112", "home", "a"];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"most specific prefix wins, unmatched dropped", ranges + ` datatable(ip:string)["10.1.2.3", "10.1.9.9", "10.9.9.9", "8.8.8.8", "bad"] | evaluate ipv4_lookup(R, ip, net) | project r = strcat(ip, ">", site)`,
			"10.1.2.3>host;10.1.9.9>lab;10.9.9.9>corp"},
		{"extra key must be equal", ranges + ` datatable(ip:string, tag:string)["10.1.2.3", "a"] | evaluate ipv4_lookup(R, ip, net, tag) | project site`,
			"lab"},
		{"return_unmatched keeps the row with nulls", ranges + ` datatable(ip:string)["8.8.8.8", "192.168.1.1"] | evaluate ipv4_lookup(R, ip, net, return_unmatched = true) | project r = strcat(ip, ">", site)`,
			"8.8.8.8>;192.168.1.1>home"},
		{"ipv6 lookup of a mapped IPv4 address", ranges + ` datatable(ip:string)["192.168.3.4"] | evaluate ipv6_lookup(R, ip, net) | project site`,
			"home"},
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
