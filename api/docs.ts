// The API reference as one server-rendered HTML page, made from the OpenAPI document itself (so it
// cannot drift from the routes) with no script and no CDN: the service may run with no internet.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  op: Json;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) if (item[method]) out.push({ method, path, op: item[method] as Json });
  }
  return out;
}

function anchor(method: string, path: string): string {
  return `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

function refName(schema: unknown): string | null {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref ? ref.replace('#/components/schemas/', '') : null;
}

function schemaLabel(schema: unknown): HtmlEscapedString | Promise<HtmlEscapedString> {
  const name = refName(schema);
  if (name) return html`<a href="#schema-${name}">${name}</a>`;
  const items = (schema as { items?: unknown } | undefined)?.items;
  if (items && refName(items)) return html`array of <a href="#schema-${refName(items)}">${refName(items)}</a>`;
  return html`<code>${JSON.stringify(schema ?? {})}</code>`;
}

function renderOperation({ method, path, op }: Operation) {
  const params = (op.parameters ?? []) as Json[];
  const body = op.requestBody as Json | undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>);
  const roles = op['x-roles'] as string[] | undefined;
  const scope = op['x-scope'] as string | undefined;
  return html`<section class="op" id="${anchor(method, path)}">
    <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
    <p class="summary">${String(op.summary ?? '')}</p>
    ${op.description ? html`<p>${String(op.description)}</p>` : ''}
    <p class="access">${scope === 'public' ? 'No token needed.' : html`Token roles: <b>${(roles ?? []).join(', ')}</b>${scope === 'claim' ? ' — a submitter only for its own partner\'s claims (others are 404)' : scope === 'list' ? ' — a submitter sees its own partner only' : ''}`}</p>
    ${params.length
      ? html`<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params.map(
          (p) => html`<tr><td><code>${String(p.name)}</code></td><td>${String(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaLabel(p.schema)}</td><td>${String((p.description ?? (p.schema as Json | undefined)?.description ?? '') as string)}</td></tr>`,
        )}</table>`
      : ''}
    ${body
      ? html`<h4>Request body${body.required ? '' : ' (optional)'}</h4><ul>${Object.entries((body.content ?? {}) as Record<string, Json>).map(
          ([type, media]) => html`<li><code>${type}</code>: ${schemaLabel(media.schema)}${(media.schema as Json | undefined)?.example !== undefined ? html`<pre>${String((media.schema as Json).example)}</pre>` : ''}</li>`,
        )}</ul>`
      : ''}
    <h4>Responses</h4>
    <table><tr><th>status</th><th>description</th><th>body</th></tr>${responses.map(
      ([status, r]) => html`<tr><td>${status}</td><td>${String(r.description ?? '')}</td><td>${Object.entries((r.content ?? {}) as Record<string, Json>).map(([type, media]) => html`<code>${type}</code> ${schemaLabel(media.schema)} `)}</td></tr>`,
    )}</table>
  </section>`;
}

/** The reference page for an OpenAPI 3.x document. */
export function renderDocsPage(doc: Json): Promise<HtmlEscapedString> | HtmlEscapedString {
  const info = (doc.info ?? {}) as Json;
  const ops = operations(doc);
  const tags = [...new Set(ops.flatMap((o) => ((o.op.tags as string[] | undefined) ?? ['other']).slice(0, 1)))];
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>).sort(([a], [b]) => a.localeCompare(b));
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${String(info.title ?? 'API')} — API reference</title>
<style>${raw(STYLE)}</style></head>
<body><nav><h1>${String(info.title ?? 'API')} <small>${String(info.version ?? '')}</small></h1>
<p><a href="/api/openapi.json">openapi.json</a></p>
${tags.map((tag) => html`<h2>${tag}</h2><ul>${ops.filter((o) => ((o.op.tags as string[] | undefined)?.[0] ?? 'other') === tag).map((o) => html`<li><a href="#${anchor(o.method, o.path)}"><span class="m ${o.method}">${o.method.toUpperCase()}</span> ${o.path}</a></li>`)}</ul>`)}
<h2>schemas</h2><ul>${schemas.map(([name]) => html`<li><a href="#schema-${name}">${name}</a></li>`)}</ul></nav>
<main>${info.description ? html`<p>${String(info.description)}</p>` : ''}
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (<code>npx claimproof token create --role reviewer</code>). Errors are <code>{"code", "message", "requestId"}</code>; every response has an <code>X-Request-Id</code>.</p>
${tags.map((tag) => html`<h2>${tag}</h2>${ops.filter((o) => ((o.op.tags as string[] | undefined)?.[0] ?? 'other') === tag).map(renderOperation)}`)}
<h2>Schemas</h2>
${schemas.map(([name, schema]) => html`<section class="schema" id="schema-${name}"><h3>${name}</h3>${schema.description ? html`<p>${String(schema.description)}</p>` : ''}<pre>${JSON.stringify(schema, null, 2)}</pre></section>`)}
</main></body></html>`;
}

const STYLE = `
body{margin:0;display:flex;font:14px/1.45 system-ui,sans-serif;color:#1d2330}
nav{width:300px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f9;padding:12px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:0 0 8px}nav li{margin:2px 0}nav a{color:#1d2330;text-decoration:none}
main{padding:16px 28px;max-width:1000px}h1{font-size:18px}h2{border-bottom:1px solid #d6dbe3;padding-bottom:4px;text-transform:capitalize}
.op,.schema{border:1px solid #d6dbe3;border-radius:6px;padding:8px 14px;margin:14px 0}.op h3{margin:4px 0}
.m{display:inline-block;min-width:48px;text-align:center;border-radius:4px;color:#fff;font-size:11px;font-weight:700;padding:1px 4px}
.get{background:#2f7d32}.post{background:#1f5fa8}.patch{background:#9a6700}.put{background:#6a3fa0}.delete{background:#a32020}
table{border-collapse:collapse;width:100%;margin:4px 0}td,th{border:1px solid #e1e5eb;padding:3px 6px;text-align:left;vertical-align:top}
pre{background:#f4f6f9;padding:8px;overflow:auto;font-size:12px}.summary{font-weight:600}.access{color:#4a5568}
`;
