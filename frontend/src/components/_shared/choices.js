// Choices arrive as `[label, value]` pairs; a bare string means label = value.

export function normalizeChoices(choices) {
  return (choices || []).map((c) =>
    Array.isArray(c) ? { label: String(c[0]), value: c[1] } : { label: String(c), value: c },
  );
}
