package rules

import "testing"

func TestClassifyQueryError(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{name: "custom log table", msg: "Failed to resolve table or column expression named 'DuoLogs_CL'", want: QueryErrorWorkspace},
		{name: "saved parser listed in NOT_INCLUDED.md", msg: "Failed to resolve table or column expression named 'Wl_NetworkAddresses'", want: QueryErrorWorkspace},
		{name: "workspace function over a custom table", msg: "Failed to resolve table or column expression named 'InformationProtectionEvents'", want: QueryErrorWorkspace},
		{name: "ASIM parser", msg: "Unknown function: '_Im_Dns'.", want: QueryErrorWorkspace},
		{name: "watchlist", msg: "Failed to resolve table or column expression named '_GetWatchlist': watchlist 'x' not found (give --watchlists DIR holding x.csv)", want: QueryErrorWorkspace},
		{name: "Defender function", msg: "Unknown function: 'DeviceFromIP'.", want: QueryErrorService},
		{name: "service message", msg: "FileProfile() needs the Microsoft Defender XDR service and cannot run locally", want: QueryErrorService},
		{name: "an unknown table is an error", msg: "Failed to resolve table or column expression named 'GraphApiAuditEvents'", want: QueryErrorEngine},
		{name: "an unknown column is an error", msg: "Failed to resolve scalar expression named 'RiskLevelDuringSignIn'", want: QueryErrorEngine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClassifyQueryError(tc.msg); got != tc.want {
				t.Errorf("ClassifyQueryError(%q) = %s, want %s", tc.msg, got, tc.want)
			}
		})
	}
}
