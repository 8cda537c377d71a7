// The engine's JSON API: traces (cached in the page) and streamed training runs.

const cache = new Map();
const CACHE_SIZE = 24;

export class ApiError extends Error {}

async function problem(response) {
  try {
    const body = await response.json();
    if (Array.isArray(body.detail)) {
      return body.detail.map((d) => String(d.msg).replace(/^Value error, /, "")).join("; ");
    }
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // not JSON: fall through to the status line
  }
  return `The server could not answer (status ${response.status}). Please try again.`;
}

/** Return the trace for `body` (see POST /api/engine/trace); identical requests are cached. */
export async function fetchTrace(body, signal) {
  const key = JSON.stringify(body);
  if (cache.has(key)) {
    const hit = cache.get(key);
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const response = await fetch("/api/engine/trace", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: key,
    signal,
  });
  if (!response.ok) throw new ApiError(await problem(response));
  const data = await response.json();
  cache.set(key, data);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return data;
}

/**
 * Run a training job, calling onRecord for each NDJSON record until the stream ends. The CSRF
 * token goes along: a run that keeps its network (`keep`) changes state on the server.
 */
export async function streamTrain(body, onRecord, signal) {
  const response = await fetch("/api/engine/train", {
    method: "POST",
    headers: { "content-type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw new ApiError(await problem(response));
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onRecord(JSON.parse(line));
    }
  }
  if (buffer.trim()) onRecord(JSON.parse(buffer));
}

/** Return the page's CSRF token (the `csrftoken` cookie), for requests that change state. */
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? cookie.slice("csrftoken=".length) : "";
}

/** Return text written by a kept network (see POST /api/engine/sample). */
export async function fetchSample(body, signal) {
  const response = await fetch("/api/engine/sample", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw new ApiError(await problem(response));
  return response.json();
}
