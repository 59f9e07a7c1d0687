// Counts every sample with Anthropic's published tokenizer and OpenAI's o200k_base, and writes the result next
// to the samples, for TokenEstimatorAccuracyTests. Run: npm install --omit=dev && node reference.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { countTokens } from "@anthropic-ai/tokenizer";
import { encode } from "gpt-tokenizer/encoding/o200k_base";

const folder = new URL("../../tests/Switchyard.Tests/TestData/TokenEstimator/", import.meta.url);
const samples = JSON.parse(readFileSync(new URL("samples.json", folder), "utf8"));
const reference = samples.map(({ name, text }) => ({ name, anthropic: countTokens(text), o200k: encode(text).length }));
writeFileSync(new URL("reference.json", folder), JSON.stringify(reference, null, 2) + "\n");
console.log(reference);
