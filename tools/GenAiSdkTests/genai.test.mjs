// Google's official @google/genai SDK against the gateway: generateContent, generateContentStream (SSE),
// countTokens and embedContent (which the SDK sends as batchEmbedContents), over the models named in
// SWITCHYARD_MODELS. Started by the xunit suite (Integration/GenAiSdkTests); prints "passed: <scenario>" per check.
import assert from 'node:assert/strict';
import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({
  apiKey: process.env.SWITCHYARD_CLIENT_KEY,
  httpOptions: { baseUrl: process.env.SWITCHYARD_URL.replace(/\/$/, '') },
});
const expected = 'Hello from the mock upstream.';

async function generate(model) {
  const response = await ai.models.generateContent({
    model,
    contents: 'Hello there',
    config: { systemInstruction: 'Be brief.', maxOutputTokens: 64 },
  });
  assert.equal(response.text, expected);
  assert.equal(response.candidates[0].finishReason, 'STOP');
  assert.equal(response.usageMetadata.candidatesTokenCount, 5);
  assert.ok(response.usageMetadata.promptTokenCount > 0);
}

async function stream(model) {
  const chunks = [];
  for await (const chunk of await ai.models.generateContentStream({ model, contents: 'Stream please' })) {
    chunks.push(chunk);
  }
  assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
  assert.equal(chunks.map((c) => c.text ?? '').join(''), expected);
  const last = chunks.at(-1);
  assert.equal(last.candidates[0].finishReason, 'STOP');
  assert.equal(last.usageMetadata.candidatesTokenCount, 5);
}

async function tools(model) {
  const config = {
    tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } }] }],
  };
  const question = { role: 'user', parts: [{ text: 'Weather in Paris?' }] };
  const first = await ai.models.generateContent({ model, contents: [question], config });
  const call = first.functionCalls?.[0];
  assert.equal(call?.name, 'get_weather');
  // The SDK's way to continue: the model's content as it came, then the function's response.
  const second = await ai.models.generateContent({
    model,
    contents: [question, first.candidates[0].content, { role: 'user', parts: [{ functionResponse: { id: call.id, name: call.name, response: { output: '21 C' } } }] }],
    config,
  });
  assert.match(second.text, /^Tool result received: .*21 C/);
}

async function count(model) {
  const response = await ai.models.countTokens({ model, contents: 'Hello there' });
  assert.equal(typeof response.totalTokens, 'number');
  assert.equal(response.totalTokens, Number(process.env.SWITCHYARD_EXPECTED_COUNT));
}

async function embed(model) {
  const response = await ai.models.embedContent({ model, contents: ['alpha', 'beta gamma'], config: { outputDimensionality: 4 } });
  assert.equal(response.embeddings.length, 2);
  for (const embedding of response.embeddings) {
    assert.equal(embedding.values.length, 4);
  }
  assert.notDeepEqual(response.embeddings[0].values, response.embeddings[1].values);
}

const scenarios = { generate, stream, tools, count, embed };
let failed = 0;
for (const arg of process.argv.slice(2)) {
  const [name, model] = arg.split('@');
  try {
    await scenarios[name](model);
    console.log(`passed: ${arg}`);
  } catch (error) {
    failed++;
    console.log(`failed: ${arg}: ${error?.stack ?? error}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
