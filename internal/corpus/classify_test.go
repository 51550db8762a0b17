package corpus

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want Need
	}{
		{name: "custom log table", msg: "Failed to resolve table or column expression named 'Foo_CL'", want: NeedsWorkspace},
		{name: "ASIM parser", msg: "Failed to resolve table or column expression named 'imNetworkSession'", want: NeedsWorkspace},
		{name: "saved parser listed in NOT_INCLUDED.md", msg: "Failed to resolve table or column expression named 'Wl_NetworkAddresses'", want: NeedsWorkspace},
		{name: "watchlist", msg: "Failed to resolve table or column expression named '_GetWatchlist': watchlist 'x' not found", want: NeedsWorkspace},
		{name: "documented table missing from the catalog", msg: "Failed to resolve table or column expression named 'SigninLogs'", want: NeedsNothing},
		{name: "saved function", msg: "Unknown function: 'GetVIPUsers'.", want: NeedsWorkspace},
		{name: "builtin not implemented", msg: "Unknown function: 'series_fit_2lines'.", want: NeedsNothing},
		{name: "Defender function", msg: "Unknown function: 'DeviceFromIP'.", want: NeedsService},
		{name: "Defender service message", msg: "FileProfile() needs the Microsoft Defender XDR service and cannot run locally", want: NeedsService},
		{name: "an unknown column", msg: "Failed to resolve scalar expression named 'RiskLevelDuringSignIn'", want: NeedsNothing},
		{name: "externaldata over https", msg: "externaldata: https://example.com/a.txt is not fetched: kqlhunt runs queries offline unless --allow-http is given; download the file", want: NeedsNetwork},
		{name: "externaldata under bag_unpack", msg: "bag_unpack: computing the input to find its keys: externaldata: https://example.com/b.json is not fetched: kqlhunt runs queries offline unless --allow-http is given", want: NeedsNetwork},
		{name: "union wildcard matching no table", msg: "Failed to resolve table or column expression named 'Easm*': no table matches the wildcard", want: NeedsWorkspace},
		{name: "Azure Resource Graph", msg: "arg() reads the Azure Resource Graph, which needs the remote service and cannot run locally", want: NeedsService},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.msg); got != tc.want {
				t.Errorf("Classify(%q) = %s, want %s", tc.msg, got, tc.want)
			}
		})
	}
	// The name rules alone (rules.ClassifyQueryError, kqlhunt check) leave the service, network and wildcard
	// messages to the engine.
	for _, msg := range []string{"arg() reads the Azure Resource Graph, which needs the remote service and cannot run locally", "Failed to resolve table or column expression named 'Easm*': no table matches the wildcard"} {
		if got := ClassifyName(msg); got != NeedsNothing {
			t.Errorf("ClassifyName(%q) = %s, want %s", msg, got, NeedsNothing)
		}
	}
}
