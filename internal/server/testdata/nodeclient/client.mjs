// Runs the official Node Kusto client against a kqlhunt server and prints what it read as one JSON object.
// Usage: node client.mjs URL TOKEN DATABASE SEED_QUERY_FILE
import { readFileSync } from "node:fs";
import { Client, KustoConnectionStringBuilder, ClientRequestProperties } from "azure-kusto-data";

const [url, token, db, seedFile] = process.argv.slice(2);
const client = new Client(KustoConnectionStringBuilder.withAccessToken(url, token));
const out = {};

const props = new ClientRequestProperties();
props.setOption("query_now", "2026-11-30T09:30:00Z");
const seed = await client.execute(db, readFileSync(seedFile, "utf8"), props);
const primary = seed.primaryResults[0];
const row = primary.rows().next().value;
out.seedColumns = primary.columns.map((c) => `${c.name}:${c.type}`);
out.blockedClicks = row.BlockedClicks;
out.firstDay = row.Timestamp[0];
out.visualization = JSON.parse(
  [...seed.tables.find((t) => t.kind === "QueryProperties").rows()][0].Value
).Visualization;

const typed = await client.executeQuery(db, "print l=long(42), b=true, dt=datetime(2026-11-30 01:02:03), ts=time(1.02:03:04), d=dynamic([1,2])");
const t = typed.primaryResults[0].rows().next().value;
out.typed = { l: t.l, b: t.b, dt: t.dt instanceof Date ? t.dt.toISOString() : String(t.dt), ts: t.ts, d: t.d };

const v1 = await client.executeQueryV1(db, "UrlClickEvents | summarize n=count() by ActionType | order by ActionType asc");
out.v1 = [...v1.primaryResults[0].rows()].map((r) => `${r.ActionType}=${r.n}`);

const tables = await client.executeMgmt(db, ".show tables");
out.tables = [...tables.primaryResults[0].rows()].map((r) => r.TableName);

try {
  await client.execute(db, "UrlClickEvents\n| where ActionType = = 1");
  out.syntaxError = "no error";
} catch (e) {
  // The client rethrows the HTTP error; the Kusto error body is on its response.
  out.syntaxError = e.response ? `${e.response.status} ${e.response.data.error["@message"]}` : String(e.message ?? e);
}
process.stdout.write(JSON.stringify(out));
