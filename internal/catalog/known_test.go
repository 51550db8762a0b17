package catalog

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestKnownSchemasLoad(t *testing.T) {
	if err := KnownSchemasError(); err != nil {
		t.Fatal(err)
	}
	if n := len(KnownTables()); n < 9 {
		t.Fatalf("KnownTables() has %d tables, want at least the 9 of schemas.json", n)
	}
}

func TestKnownSchema(t *testing.T) {
	tests := []struct {
		name      string
		table     string
		wantOK    bool
		wantFirst []types.Field // leading columns in order
		wantCols  map[string]types.Type
		wantLen   int
	}{
		{
			name:   "UrlClickEvents documented columns in order plus Sentinel's four",
			table:  "UrlClickEvents",
			wantOK: true,
			wantFirst: []types.Field{
				{Name: "Timestamp", Type: types.DateTime}, {Name: "Url", Type: types.String},
				{Name: "ActionType", Type: types.String}, {Name: "AccountUpn", Type: types.String},
			},
			wantCols: map[string]types.Type{
				"IsClickedThrough": types.Bool, "UrlChain": types.String, "ReportId": types.String,
				"TenantId": types.String, "TimeGenerated": types.DateTime, "SourceSystem": types.String, "Type": types.String,
			},
			wantLen: 14 + 4,
		},
		{
			name:     "EmailEvents numeric and dynamic columns",
			table:    "EmailEvents",
			wantOK:   true,
			wantCols: map[string]types.Type{"EmailClusterId": types.Long, "BulkComplaintLevel": types.Int, "Timestamp": types.DateTime},
			wantLen:  55 + 4,
		},
		{
			name:     "DeviceEvents from the second schema file",
			table:    "DeviceEvents",
			wantOK:   true,
			wantCols: map[string]types.Type{"ReportId": types.Long, "RemotePort": types.Int, "IsProcessRemoteSession": types.Bool, "TimeGenerated": types.DateTime},
			wantLen:  67 + 4,
		},
		{name: "names are case-sensitive", table: "urlclickevents", wantOK: false},
		{name: "unknown table", table: "NoSuchTable", wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields, ok := KnownSchema(tc.table)
			if ok != tc.wantOK {
				t.Fatalf("KnownSchema(%q) ok = %v, want %v", tc.table, ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if len(fields) != tc.wantLen {
				t.Errorf("len = %d, want %d", len(fields), tc.wantLen)
			}
			for i, f := range tc.wantFirst {
				if fields[i] != f {
					t.Errorf("field %d = %v, want %v", i, fields[i], f)
				}
			}
			byName := map[string]types.Type{}
			for _, f := range fields {
				if _, dup := byName[f.Name]; dup {
					t.Errorf("duplicate column %s", f.Name)
				}
				byName[f.Name] = f.Type
			}
			for n, typ := range tc.wantCols {
				if byName[n] != typ {
					t.Errorf("column %s type = %v, want %v", n, byName[n], typ)
				}
			}
		})
	}
}

func TestKnownSchemaReturnsCopy(t *testing.T) {
	a, _ := KnownSchema("UrlClickEvents")
	a[0].Name = "Changed"
	b, _ := KnownSchema("UrlClickEvents")
	if b[0].Name != "Timestamp" {
		t.Fatalf("KnownSchema shares its slice: got %q", b[0].Name)
	}
}

func TestKnownTableNameAndColumnType(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantName string
		wantOK   bool
	}{
		{name: "lower-case container suffix", in: "urlclickevents", wantName: "UrlClickEvents", wantOK: true},
		{name: "exact", in: "EmailEvents", wantName: "EmailEvents", wantOK: true},
		{name: "unknown", in: "part-0001", wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := KnownTableName(tc.in)
			if got != tc.wantName || ok != tc.wantOK {
				t.Fatalf("KnownTableName(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.wantName, tc.wantOK)
			}
		})
	}
	if typ, ok := KnownColumnType("IsClickedThrough"); !ok || typ != types.Bool {
		t.Errorf("KnownColumnType(IsClickedThrough) = %v, %v; want bool", typ, ok)
	}
	if typ, ok := KnownColumnType("Timestamp"); !ok || typ != types.DateTime {
		t.Errorf("KnownColumnType(Timestamp) = %v, %v; want datetime", typ, ok)
	}
}

// TestKnownSchemaDocumentedNames pins columns whose spelling or presence was checked against the newest pages
// (schemas/SOURCES.md): Kusto names are case-sensitive, so a wrong letter case is a wrong schema.
func TestKnownSchemaDocumentedNames(t *testing.T) {
	tests := []struct {
		name    string
		table   string
		want    map[string]types.Type
		missing []string
	}{
		{
			name:    "CloudAppEvents spells ISP as the Azure Monitor reference does and has the billing columns",
			table:   "CloudAppEvents",
			want:    map[string]types.Type{"ISP": types.String, "_IsBillable": types.String, "_BilledSize": types.Real},
			missing: []string{"Isp"},
		},
		{
			name:    "IdentityLogonEvents spells ISP",
			table:   "IdentityLogonEvents",
			want:    map[string]types.Type{"ISP": types.String, "Port": types.Int},
			missing: []string{"Isp"},
		},
		{
			name:  "DeviceImageLoadEvents has the remote-session columns of its newest page",
			table: "DeviceImageLoadEvents",
			want:  map[string]types.Type{"IsInitiatingProcessRemoteSession": types.Bool, "InitiatingProcessSessionId": types.Long},
		},
		{
			name:    "AADSignInEventsBeta never documented RiskLevelDuringSignIn",
			table:   "AADSignInEventsBeta",
			want:    map[string]types.Type{"RiskLevelAggregated": types.Int},
			missing: []string{"RiskLevelDuringSignIn", "RiskEventTypes"},
		},
		{
			name:  "EntraIdSignInEvents newest revision",
			table: "EntraIdSignInEvents",
			want:  map[string]types.Type{"RiskLevelDuringSignIn": types.Int, "TokenIssuerType": types.String, "IsSignInThroughGlobalSecureAccess": types.Bool},
		},
		{
			name:  "OfficeActivity Teams app columns",
			table: "OfficeActivity",
			want:  map[string]types.Type{"AzureADAppId": types.String, "OperationScope": types.String, "ExtraProperties": types.Dynamic},
		},
		{
			name:  "retired DeviceAlertEvents as documented",
			table: "DeviceAlertEvents",
			want:  map[string]types.Type{"Title": types.String, "ReportId": types.Long, "TimeGenerated": types.DateTime},
		},
		{
			name:  "DeviceInfo columns of the Learn page of 2026-07-27",
			table: "DeviceInfo",
			want: map[string]types.Type{
				"HardwareUuid": types.String, "OsBuildRevision": types.String, "MitigationStatus": types.String,
				"IsTransient": types.Bool, "CloudPlatforms": types.String, "AzureVmId": types.String, "DlpInfo": types.String,
			},
			missing: []string{"SeenBy"},
		},
		{
			name:  "DeviceProcessEvents process keys",
			table: "DeviceProcessEvents",
			want:  map[string]types.Type{"ProcessUniqueId": types.String, "InitiatingProcessUniqueId": types.String, "LogonId": types.Long},
		},
		{
			name:  "DeviceImageLoadEvents initiating process key",
			table: "DeviceImageLoadEvents",
			want:  map[string]types.Type{"InitiatingProcessUniqueId": types.String},
		},
		{
			name:  "EmailEvents columns of the Learn page of 2026-08-03, To, Cc and IsFirstContact typed as the exports carry them",
			table: "EmailEvents",
			want: map[string]types.Type{
				"ForwardingInformation": types.String, "IsFirstContact": types.Bool, "EmailSize": types.Long,
				"To": types.Dynamic, "Cc": types.Dynamic, "RecipientDomain": types.String, "OriginalThreatTypes": types.String,
			},
		},
		{
			name:    "MessageEvents has SafetyTip but no ThreadType",
			table:   "MessageEvents",
			want:    map[string]types.Type{"SafetyTip": types.String, "ThreadSubtype": types.String},
			missing: []string{"ThreadType"},
		},
		{
			name:    "DeviceTvmSoftwareVulnerabilitiesKB documents no EpssScore",
			table:   "DeviceTvmSoftwareVulnerabilitiesKB",
			want:    map[string]types.Type{"CvssScore": types.String},
			missing: []string{"EpssScore"},
		},
		{
			name:    "IdentityInfo has no IdentityId (IdentityAccountInfo has)",
			table:   "IdentityInfo",
			want:    map[string]types.Type{"SourceProvider": types.String},
			missing: []string{"IdentityId"},
		},
		{
			name:  "GraphAPIAuditEvents as the schema table list spells it",
			table: "GraphAPIAuditEvents",
			want:  map[string]types.Type{"RequestUri": types.String, "ResponseSize": types.Int, "Timestamp": types.DateTime},
		},
		{
			name:    "MicrosoftGraphActivityLogs spells IPAddress",
			table:   "MicrosoftGraphActivityLogs",
			want:    map[string]types.Type{"IPAddress": types.String},
			missing: []string{"IpAddress"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields, ok := KnownSchema(tc.table)
			if !ok {
				t.Fatalf("KnownSchema(%q) not found", tc.table)
			}
			byName := map[string]types.Type{}
			for _, f := range fields {
				byName[f.Name] = f.Type
			}
			for n, typ := range tc.want {
				got, ok := byName[n]
				if !ok || got != typ {
					t.Errorf("column %s = %v (present %v), want %v", n, got, ok, typ)
				}
			}
			for _, n := range tc.missing {
				if _, ok := byName[n]; ok {
					t.Errorf("column %s is present; the documentation has no such column", n)
				}
			}
		})
	}
}

func TestKnownTableSpelling(t *testing.T) {
	tests := []struct {
		name  string
		table string
		want  bool
	}{
		{name: "Graph API audit table as Defender spells it", table: "GraphAPIAuditEvents", want: true},
		{name: "the table page's title spelling is not a second table", table: "GraphApiAuditEvents", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := KnownSchema(tc.table); ok != tc.want {
				t.Errorf("KnownSchema(%q) ok = %v, want %v", tc.table, ok, tc.want)
			}
		})
	}
}
