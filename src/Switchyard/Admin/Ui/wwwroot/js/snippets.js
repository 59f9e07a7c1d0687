// Ready-to-copy set-ups for a new key, one per client: code, the same in every language (only the prompt is
// translated, by the caller). Settings as docs/api.md "Coding agents" gives them: Claude Code and Gemini CLI take
// the gateway's address without a version path, the OpenAI SDK and Codex with /v1.

/** [id, catalogue key of its title, text] for each client, with the gateway address and the secret filled in. */
export function clientSnippets(base, secret, model, prompt) {
  const json = JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }).replaceAll("'", "'\\''");
  return [
    ['curl', 'keys.snippet.curl', `curl ${base}/v1/chat/completions \\
  -H "Authorization: Bearer ${secret}" \\
  -H "Content-Type: application/json" \\
  -d '${json}'`],
    ['python', 'keys.snippet.python', `from openai import OpenAI

client = OpenAI(base_url="${base}/v1", api_key="${secret}")
reply = client.chat.completions.create(
    model=${JSON.stringify(model)},
    messages=[{"role": "user", "content": ${JSON.stringify(prompt)}}],
)
print(reply.choices[0].message.content)`],
    ['claude', 'keys.snippet.claude', `export ANTHROPIC_BASE_URL=${base}
export ANTHROPIC_AUTH_TOKEN=${secret}
claude`],
    ['codex', 'keys.snippet.codex', `# ~/.codex/config.toml
model = ${JSON.stringify(model)}
model_provider = "switchyard"

[model_providers.switchyard]
name = "Switchyard"
base_url = "${base}/v1"
env_key = "SWITCHYARD_API_KEY"
wire_api = "responses"

# shell
export SWITCHYARD_API_KEY=${secret}
codex`],
    ['gemini', 'keys.snippet.gemini', `export GOOGLE_GEMINI_BASE_URL=${base}
export GEMINI_API_KEY=${secret}
gemini`],
  ];
}
