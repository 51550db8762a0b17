package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Table ids and names of a v2 data set, as Kusto numbers them.
const (
	propertiesTableID = 0
	primaryTableID    = 1
	completionTableID = 2
)

// completionFields are QueryCompletionInformation's columns.
var completionFields = []types.Field{
	{Name: "Timestamp", Type: types.DateTime}, {Name: "ClientRequestId", Type: types.String},
	{Name: "ActivityId", Type: types.GUID}, {Name: "SubActivityId", Type: types.GUID},
	{Name: "ParentActivityId", Type: types.GUID}, {Name: "Level", Type: types.Int},
	{Name: "LevelName", Type: types.String}, {Name: "StatusCode", Type: types.Int},
	{Name: "StatusCodeName", Type: types.String}, {Name: "EventType", Type: types.Int},
	{Name: "EventTypeName", Type: types.String}, {Name: "Payload", Type: types.String},
}

// Kusto's severity levels and event types in QueryCompletionInformation.
const (
	levelError         = 2
	levelInfo          = 4
	eventQueryInfo     = 4
	eventResourceUsage = 5
	eventQueryError    = 6
	statusOK           = 0
	// E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003) as the signed 32-bit status code Kusto reports.
	statusResultSetTooLarge = -2133196797
)

// writeV2 streams the v2 data set: DataSetHeader, the QueryProperties table (@ExtendedProperties, with the render
// visualization), the primary result (one DataTable, or TableHeader/TableFragment/TableCompletion when the client
// asked for fragmented primary tables), QueryCompletionInformation, then DataSetCompletion. One frame per line, as
// the SDKs read it. A truncated result is a partial failure: the rows up to the limit, then the error where the
// client asked errors to be placed.
func writeV2(w io.Writer, req *requestInfo, t *types.Table, opts *queryOptions, elapsed time.Duration) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b bytes.Buffer
	frame := func(first bool) {
		if first {
			b.WriteByte('[')
		} else {
			b.WriteByte(',')
		}
	}
	flush := func() error {
		b.WriteByte('\n')
		_, err := bw.Write(b.Bytes())
		b.Reset()
		return err
	}

	frame(true)
	fmt.Fprintf(&b, `{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":%t,"ErrorReportingPlacement":%q}`,
		opts.fragmentPrimary, placementName(opts.errorPlacement))
	if err := flush(); err != nil {
		return err
	}

	frame(false)
	writeTableStart(&b, "DataTable", propertiesTableID, "QueryProperties", "@ExtendedProperties",
		[]types.Field{{Name: "TableId", Type: types.Int}, {Name: "Key", Type: types.String}, {Name: "Value", Type: types.Dynamic}})
	b.WriteString(`,"Rows":[`)
	if t.Visualization != nil {
		fmt.Fprintf(&b, `[%d,"Visualization",`, primaryTableID)
		types.WriteJSONString(&b, visualizationJSON(t.Visualization))
		b.WriteByte(']')
	}
	b.WriteString("]}")
	if err := flush(); err != nil {
		return err
	}

	var truncErr *apiError
	frame(false)
	var written, resultBytes int
	var truncated bool
	if opts.fragmentPrimary {
		writeTableStart(&b, "TableHeader", primaryTableID, "PrimaryResult", "PrimaryResult", t.Fields)
		b.WriteByte('}')
		if err := flush(); err != nil {
			return err
		}
		frame(false)
		fmt.Fprintf(&b, `{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":%d,"Rows":`, primaryTableID)
		written, truncated = writeRows(&b, t, opts.limit, false)
		b.WriteByte('}')
		resultBytes = b.Len()
		if err := flush(); err != nil {
			return err
		}
		frame(false)
		fmt.Fprintf(&b, `{"FrameType":"TableCompletion","TableId":%d,"RowCount":%d`, primaryTableID, written)
		if truncated {
			truncErr = truncationError(req, opts.limit)
			if opts.errorPlacement == "end_of_table" {
				b.WriteString(`,"OneApiErrors":[`)
				writeErrorObject(&b, truncErr)
				b.WriteByte(']')
			}
		}
		b.WriteByte('}')
	} else {
		writeTableStart(&b, "DataTable", primaryTableID, "PrimaryResult", "PrimaryResult", t.Fields)
		b.WriteString(`,"Rows":`)
		written, truncated = writeRows(&b, t, opts.limit, false)
		if truncated {
			truncErr = truncationError(req, opts.limit)
		}
		b.WriteByte('}')
		resultBytes = b.Len()
	}
	if err := flush(); err != nil {
		return err
	}

	frame(false)
	writeTableStart(&b, "DataTable", completionTableID, "QueryCompletionInformation", "QueryCompletionInformation", completionFields)
	b.WriteString(`,"Rows":[`)
	now := types.FormatDateTime(types.TimeToTicks(req.received))
	completionRow := func(level int, levelName string, status int, statusName string, event int, eventName, payload string) {
		b.WriteByte('[')
		for i, v := range []any{now, req.clientRequestID, req.activityID, req.activityID, req.activityID,
			level, levelName, status, statusName, event, eventName, payload} {
			if i > 0 {
				b.WriteByte(',')
			}
			switch x := v.(type) {
			case string:
				types.WriteJSONString(&b, x)
			case int:
				b.WriteString(strconv.Itoa(x))
			}
		}
		b.WriteByte(']')
	}
	completionRow(levelInfo, "Info", statusOK, "S_OK (0)", eventQueryInfo, "QueryInfo",
		`{"Count":1,"Text":"Query completed successfully"}`)
	b.WriteByte(',')
	stats, _ := json.Marshal(map[string]any{
		"ExecutionTime":      elapsed.Seconds(),
		"dataset_statistics": []map[string]any{{"table_row_count": written, "table_size": resultBytes}},
	})
	completionRow(levelInfo, "Info", statusOK, "S_OK (0)", eventResourceUsage, "QueryResourceConsumption", string(stats))
	if truncErr != nil {
		b.WriteByte(',')
		payload, _ := json.Marshal(map[string]any{"error": truncErr.Body})
		completionRow(levelError, "Error", statusResultSetTooLarge, "LimitsExceeded (0x80DA0003)", eventQueryError, "QueryError", string(payload))
	}
	b.WriteString("]}")
	if err := flush(); err != nil {
		return err
	}

	frame(false)
	fmt.Fprintf(&b, `{"FrameType":"DataSetCompletion","HasErrors":%t,"Cancelled":false`, truncErr != nil)
	if truncErr != nil {
		b.WriteString(`,"OneApiErrors":[`)
		writeErrorObject(&b, truncErr)
		b.WriteByte(']')
	}
	b.WriteByte('}')
	if err := flush(); err != nil {
		return err
	}
	b.WriteString("]\n")
	if _, err := bw.Write(b.Bytes()); err != nil {
		return err
	}
	return bw.Flush()
}

func placementName(p string) string {
	switch p {
	case "end_of_table":
		return "EndOfTable"
	case "end_of_dataset":
		return "EndOfDataSet"
	}
	return "InData"
}

// writeTableStart writes `{"FrameType":..,"TableId":..,"TableKind":..,"TableName":..,"Columns":[..]` (no closing
// brace), in the property order the SDKs' streaming readers expect.
func writeTableStart(b *bytes.Buffer, frameType string, id int, kind, name string, fields []types.Field) {
	fmt.Fprintf(b, `{"FrameType":%q,"TableId":%d,"TableKind":%q,"TableName":`, frameType, id, kind)
	types.WriteJSONString(b, name)
	b.WriteString(`,"Columns":[`)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"ColumnName":`)
		types.WriteJSONString(b, f.Name)
		fmt.Fprintf(b, `,"ColumnType":%q}`, f.Type.String())
	}
	b.WriteByte(']')
}

func writeErrorObject(b *bytes.Buffer, e *apiError) {
	data, _ := json.Marshal(map[string]any{"error": e.Body})
	b.Write(data)
}

// writeV1Table writes one v1 table: {"TableName","Columns":[{"ColumnName","DataType","ColumnType"}],"Rows":[...]}.
// exceptions, when set, is appended as the `{"Exceptions":[...]}` row v1 uses for partial failures.
func writeV1Table(b *bytes.Buffer, name string, t *types.Table, lim rowLimit, exceptions func() string) {
	b.WriteString(`{"TableName":`)
	types.WriteJSONString(b, name)
	b.WriteString(`,"Columns":[`)
	for i, f := range t.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"ColumnName":`)
		types.WriteJSONString(b, f.Name)
		fmt.Fprintf(b, `,"DataType":%q,"ColumnType":%q}`, clrTypeName(f.Type), f.Type.String())
	}
	b.WriteString(`],"Rows":`)
	_, truncated := writeRows(b, t, lim, true)
	if truncated && exceptions != nil {
		b.Truncate(b.Len() - 1) // reopen the rows array
		if b.Bytes()[b.Len()-1] != '[' {
			b.WriteByte(',')
		}
		b.WriteString(`{"Exceptions":[`)
		types.WriteJSONString(b, exceptions())
		b.WriteString("]}]")
	}
	b.WriteByte('}')
}

// encodeV1Query is the v1 answer to a query: the primary result, @ExtendedProperties, QueryStatus, and the table
// of contents naming them (Kusto's layout; clients find the tables through the last one).
func encodeV1Query(req *requestInfo, t *types.Table, lim rowLimit) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Tables":[`)
	truncated := false
	writeV1Table(&b, "Table_0", t, lim, func() string {
		truncated = true
		return truncationError(req, lim).Body.Detail
	})

	props := types.NewTable([]types.Field{{Name: "Value", Type: types.String}})
	if t.Visualization != nil {
		props.AppendRow([]types.Value{types.NewString(visualizationJSON(t.Visualization))})
	}
	b.WriteByte(',')
	writeV1Table(&b, "Table_1", props, rowLimit{}, nil)

	status := types.NewTable([]types.Field{
		{Name: "Timestamp", Type: types.DateTime}, {Name: "Severity", Type: types.Int}, {Name: "SeverityName", Type: types.String},
		{Name: "StatusCode", Type: types.Int}, {Name: "StatusDescription", Type: types.String}, {Name: "Count", Type: types.Int},
		{Name: "RequestId", Type: types.GUID}, {Name: "ActivityId", Type: types.GUID}, {Name: "SubActivityId", Type: types.GUID},
		{Name: "ClientActivityId", Type: types.String},
	})
	sev, sevName, code, desc := int64(levelInfo), "Info", int64(statusOK), "Query completed successfully"
	if truncated {
		sev, sevName, code, desc = levelError, "Error", statusResultSetTooLarge, "Query result set has exceeded the internal record count limit (E_QUERY_RESULT_SET_TOO_LARGE)"
	}
	status.AppendRow([]types.Value{types.NewDateTime(types.TimeToTicks(req.received)), types.NewInt(sev), types.NewString(sevName),
		types.NewInt(code), types.NewString(desc), types.NewInt(1), types.NewGUID(req.activityID), types.NewGUID(req.activityID),
		types.NewGUID(req.activityID), types.NewString(req.clientRequestID)})
	b.WriteByte(',')
	writeV1Table(&b, "Table_2", status, rowLimit{}, nil)

	toc := types.NewTable([]types.Field{{Name: "Ordinal", Type: types.Long}, {Name: "Kind", Type: types.String},
		{Name: "Name", Type: types.String}, {Name: "Id", Type: types.String}, {Name: "PrettyName", Type: types.String}})
	for i, e := range [][2]string{{"QueryResult", "PrimaryResult"}, {"QueryProperties", "@ExtendedProperties"}, {"QueryStatus", "QueryStatus"}} {
		toc.AppendRow([]types.Value{types.NewLong(int64(i)), types.NewString(e[0]), types.NewString(e[1]),
			types.NewString(fmt.Sprintf("00000000-0000-0000-0000-%012d", i)), types.NewString("")})
	}
	b.WriteByte(',')
	writeV1Table(&b, "Table_3", toc, rowLimit{}, nil)
	b.WriteString("]}")
	return b.Bytes()
}

// encodeV1Single is the v1 answer of a management command: one table.
func encodeV1Single(t *types.Table) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Tables":[`)
	writeV1Table(&b, "Table_0", t, rowLimit{}, nil)
	b.WriteString("]}")
	return b.Bytes()
}
