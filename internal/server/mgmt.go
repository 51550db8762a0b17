package server

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// handleMgmt answers the management commands clients send on connect. kqlhunt is read-only: it knows the
// `.show` commands below and refuses every other command.
func (s *Server) handleMgmt(w http.ResponseWriter, r *http.Request) {
	req := s.newRequestInfo(w, r)
	q, aerr := s.readQueryBody(w, r, req)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	if _, aerr := s.parseOptions(req, q.Properties); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	t, aerr := s.runCommand(req, q.CSL, r.Host)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	out, finish := compressed(w, r)
	defer finish()
	_, _ = out.Write(encodeV1Single(t))
}

// commandWords splits a command into lower-case words, dropping a trailing ';'.
func commandWords(csl string) []string {
	text := strings.TrimSpace(csl)
	text = strings.TrimSuffix(text, ";")
	return strings.Fields(strings.ToLower(text))
}

func (s *Server) runCommand(req *requestInfo, csl, host string) (*types.Table, *apiError) {
	words := commandWords(csl)
	if len(words) == 0 || !strings.HasPrefix(words[0], ".") {
		return nil, badRequest(req, "Syntax error: a management command starts with '.' at line [1,1]; queries go to /v2/rest/query")
	}
	cmd := strings.Join(words, " ")
	switch {
	case cmd == ".show version":
		return s.showVersion(), nil
	case cmd == ".show databases":
		return s.showDatabases(), nil
	case cmd == ".show tables" || cmd == ".show database tables" || cmd == ".show database "+strings.ToLower(s.cfg.Database)+" tables":
		return s.showTables(), nil
	case cmd == ".show functions":
		return types.NewTable([]types.Field{{Name: "Name", Type: types.String}, {Name: "Parameters", Type: types.String},
			{Name: "Body", Type: types.String}, {Name: "Folder", Type: types.String}, {Name: "DocString", Type: types.String}}), nil
	case cmd == ".show cluster":
		return s.showCluster(host), nil
	}
	if db, asJSON, ok := s.schemaCommand(words); ok {
		if db != "" && db != strings.ToLower(s.cfg.Database) {
			return nil, newAPIError(req, http.StatusBadRequest, "BadRequest_EntityNotFound", "Request is invalid and cannot be executed.",
				"Kusto.Data.Exceptions.EntityNotFoundException",
				fmt.Sprintf("Entity ID '%s' of kind 'Database' was not found: this server has one database, '%s'", db, s.cfg.Database))
		}
		if asJSON {
			return s.schemaJSON(), nil
		}
		return s.schemaTable(), nil
	}
	return nil, badRequest(req, fmt.Sprintf("Syntax error: the command %q is not supported by kqlhunt at line [1,1] "+
		"(kqlhunt is read-only and answers .show version, .show databases, .show databases schema [as json], "+
		".show database DB schema [as json], .show tables, .show functions, .show cluster)", strings.TrimSpace(csl)))
}

// schemaCommand recognizes `.show databases schema`, `.show database [DB] schema` and `.show database DB cslschema`,
// each optionally followed by `as json`.
func (s *Server) schemaCommand(words []string) (db string, asJSON bool, ok bool) {
	if len(words) >= 2 && words[len(words)-2] == "as" && words[len(words)-1] == "json" {
		asJSON = true
		words = words[:len(words)-2]
	}
	switch {
	case len(words) == 3 && words[0] == ".show" && words[1] == "databases" && words[2] == "schema":
		return "", asJSON, true
	case len(words) == 3 && words[0] == ".show" && words[1] == "database" && words[2] == "schema":
		return "", asJSON, true
	case len(words) == 4 && words[0] == ".show" && words[1] == "database" && (words[3] == "schema" || words[3] == "cslschema"):
		return strings.Trim(words[2], "[]'\""), asJSON, true
	case len(words) == 4 && words[0] == ".show" && words[1] == "databases" && strings.HasPrefix(words[2], "(") && words[3] == "schema":
		return strings.Trim(words[2], "()[]'\""), asJSON, true
	}
	return "", false, false
}

func (s *Server) showVersion() *types.Table {
	t := types.NewTable([]types.Field{{Name: "BuildVersion", Type: types.String}, {Name: "BuildTime", Type: types.DateTime},
		{Name: "ServiceType", Type: types.String}, {Name: "ProductVersion", Type: types.String}})
	t.AppendRow([]types.Value{types.NewString(s.cfg.ServerVersion), types.NewDateTime(types.TimeToTicks(s.started)),
		types.NewString("Engine"), types.NewString("kqlhunt " + s.cfg.ServerVersion + " (" + runtime.Version() + ")")})
	return t
}

func (s *Server) showDatabases() *types.Table {
	t := types.NewTable([]types.Field{{Name: "DatabaseName", Type: types.String}, {Name: "PersistentStorage", Type: types.String},
		{Name: "Version", Type: types.String}, {Name: "IsCurrent", Type: types.Bool}, {Name: "DatabaseAccessMode", Type: types.String},
		{Name: "PrettyName", Type: types.String}, {Name: "ReservedSlot1", Type: types.Bool}, {Name: "DatabaseId", Type: types.GUID}})
	t.AppendRow([]types.Value{types.NewString(s.cfg.Database), types.NewString(""), types.NewString("v1.0"), types.NewBool(true),
		types.NewString("ReadOnly"), types.NewString(""), types.NewBool(false), types.NewGUID("00000000-0000-0000-0000-000000000001")})
	return t
}

func (s *Server) showTables() *types.Table {
	t := types.NewTable([]types.Field{{Name: "TableName", Type: types.String}, {Name: "DatabaseName", Type: types.String},
		{Name: "Folder", Type: types.String}, {Name: "DocString", Type: types.String}})
	for _, name := range s.cfg.Catalog.TableNames() {
		t.AppendRow([]types.Value{types.NewString(name), types.NewString(s.cfg.Database), types.NewString(""), types.NewString("")})
	}
	return t
}

func (s *Server) showCluster(host string) *types.Table {
	t := types.NewTable([]types.Field{{Name: "NodeId", Type: types.String}, {Name: "Address", Type: types.String},
		{Name: "Name", Type: types.String}, {Name: "StartTime", Type: types.DateTime}, {Name: "IsAdmin", Type: types.Bool},
		{Name: "MachineTotalMemory", Type: types.Long}, {Name: "MachineAvailableMemory", Type: types.Long},
		{Name: "ProcessorCount", Type: types.Int}, {Name: "NodeState", Type: types.String}})
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	t.AppendRow([]types.Value{types.NewString("kqlhunt-0"), types.NewString(s.cfg.Listen), types.NewString(name),
		types.NewDateTime(types.TimeToTicks(s.started)), types.NewBool(true), types.NullOf(types.Long), types.NullOf(types.Long),
		types.NewInt(int64(runtime.NumCPU())), types.NewString("Running")})
	return t
}

// schemaTable is `.show databases schema`: one row for the database, one per table, one per column.
func (s *Server) schemaTable() *types.Table {
	t := types.NewTable([]types.Field{{Name: "DatabaseName", Type: types.String}, {Name: "TableName", Type: types.String},
		{Name: "ColumnName", Type: types.String}, {Name: "ColumnType", Type: types.String}, {Name: "IsDefaultTable", Type: types.Bool},
		{Name: "IsDefaultColumn", Type: types.Bool}, {Name: "PrettyName", Type: types.String}, {Name: "Version", Type: types.String},
		{Name: "Folder", Type: types.String}, {Name: "DocString", Type: types.String}})
	row := func(table, column, colType string) {
		t.AppendRow([]types.Value{types.NewString(s.cfg.Database), types.NewString(table), types.NewString(column),
			types.NewString(colType), types.NewBool(false), types.NewBool(false), types.NewString(""), types.NewString("v1.0"),
			types.NewString(""), types.NewString("")})
	}
	row("", "", "")
	for _, name := range s.cfg.Catalog.TableNames() {
		tab, ok := s.cfg.Catalog.Table(name)
		if !ok {
			continue
		}
		row(name, "", "")
		for _, f := range tab.Schema() {
			row(name, f.Name, schemaTypeName(f.Type))
		}
	}
	return t
}

// schemaJSON is `.show databases schema as json`: one DatabaseSchema cell with the schema document editors
// (Kusto.Explorer, monaco-kusto) load for completion.
func (s *Server) schemaJSON() *types.Table {
	var b bytes.Buffer
	b.WriteString(`{"Plugins":[],"Databases":{`)
	types.WriteJSONString(&b, s.cfg.Database)
	b.WriteString(`:{"Name":`)
	types.WriteJSONString(&b, s.cfg.Database)
	b.WriteString(`,"Tables":{`)
	for i, name := range s.cfg.Catalog.TableNames() {
		tab, ok := s.cfg.Catalog.Table(name)
		if !ok {
			continue
		}
		if i > 0 {
			b.WriteByte(',')
		}
		types.WriteJSONString(&b, name)
		b.WriteString(`:{"Name":`)
		types.WriteJSONString(&b, name)
		b.WriteString(`,"EntityType":"Table","OrderedColumns":[`)
		for j, f := range tab.Schema() {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"Name":`)
			types.WriteJSONString(&b, f.Name)
			fmt.Fprintf(&b, `,"Type":%q,"CslType":%q}`, schemaTypeName(f.Type), f.Type.String())
		}
		b.WriteString(`],"Folder":"","DocString":""}`)
	}
	b.WriteString(`},"ExternalTables":{},"MaterializedViews":{},"Functions":{},"EntityGroups":{},"MajorVersion":1,"MinorVersion":0,` +
		`"DatabaseAccessMode":"ReadOnly"}}}`)
	t := types.NewTable([]types.Field{{Name: "DatabaseSchema", Type: types.String}})
	t.AppendRow([]types.Value{types.NewString(b.String())})
	return t
}
