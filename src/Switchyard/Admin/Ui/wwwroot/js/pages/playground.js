// The playground: a conversation with any model the signed-in person may use, in any client protocol, streamed.
// Each message is a real request of theirs (POST /admin/playground/…): their group's models, their limits and prices
// apply and the request log records it; under each answer, what the gateway says of it (served model, fallback,
// overhead) and what the ledger recorded (tokens, cost).
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { badge, errorNotice, field, formatNumber, formatUsd, input, notice, pageHeader, select } from '../ui.js';
import { openRequestDetail, statusBadge } from './requestdetail.js';

const PROTOCOLS = ['chat', 'responses', 'messages', 'gemini'];

/** Anthropic requires max_tokens; when the reader leaves it empty, this is sent. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** The path and body of one request in `protocol` for the conversation so far. */
export function buildRequest(protocol, { model, system, temperature, maxTokens, stream, turns }) {
  const number = value => (value === '' || value === null || value === undefined ? undefined : Number(value));
  const temp = number(temperature);
  const max = number(maxTokens);
  switch (protocol) {
    case 'responses':
      return {
        path: '/admin/playground/v1/responses',
        body: {
          model, stream, instructions: system || undefined, temperature: temp, max_output_tokens: max,
          input: turns.map(turn => ({ role: turn.role, content: turn.text })),
        },
      };
    case 'messages':
      return {
        path: '/admin/playground/v1/messages',
        body: {
          model, stream, system: system || undefined, temperature: temp, max_tokens: max ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
          messages: turns.map(turn => ({ role: turn.role, content: turn.text })),
        },
      };
    case 'gemini':
      return {
        path: `/admin/playground/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        body: {
          systemInstruction: system ? { parts: [{ text: system }] } : undefined,
          contents: turns.map(turn => ({ role: turn.role === 'assistant' ? 'model' : 'user', parts: [{ text: turn.text }] })),
          generationConfig: temp === undefined && max === undefined ? undefined : { temperature: temp, maxOutputTokens: max },
        },
      };
    default:
      return {
        path: '/admin/playground/v1/chat/completions',
        body: {
          model, stream, temperature: temp, max_tokens: max, stream_options: stream ? { include_usage: true } : undefined,
          messages: [...(system ? [{ role: 'system', content: system }] : []), ...turns.map(turn => ({ role: turn.role, content: turn.text }))],
        },
      };
  }
}

function geminiText(candidate) {
  return (candidate?.content?.parts ?? []).filter(p => typeof p.text === 'string' && !p.thought).map(p => p.text).join('');
}

/** The answer's text in a whole (non-streamed) reply of `protocol`. */
export function replyText(protocol, body) {
  switch (protocol) {
    case 'responses':
      return (body.output ?? []).filter(o => o.type === 'message')
        .flatMap(o => o.content ?? []).filter(c => c.type === 'output_text').map(c => c.text).join('');
    case 'messages':
      return (body.content ?? []).filter(c => c.type === 'text').map(c => c.text).join('');
    case 'gemini':
      return geminiText(body.candidates?.[0]);
    default:
      return body.choices?.[0]?.message?.content ?? '';
  }
}

/** One streamed event's text delta ({text}) or failure ({error}) in `protocol`; null for anything else. */
export function streamDelta(protocol, event) {
  const error = event.error?.message ?? (event.type === 'response.failed' ? event.response?.error?.message : undefined);
  if (error) return { error };
  switch (protocol) {
    case 'responses':
      return event.type === 'response.output_text.delta' ? { text: event.delta } : null;
    case 'messages':
      return event.type === 'content_block_delta' && event.delta?.type === 'text_delta' ? { text: event.delta.text } : null;
    case 'gemini': {
      const text = geminiText(event.candidates?.[0]);
      return text ? { text } : null;
    }
    default: {
      const text = event.choices?.[0]?.delta?.content;
      return text ? { text } : null;
    }
  }
}

/** Server-sent events from a fetch body, each event's data parsed as JSON (a `[DONE]` ends nothing but is skipped). */
async function* serverEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done });
    buffer = buffer.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).trimStart()).join('\n');
      if (!data || data === '[DONE]') continue;
      try {
        yield JSON.parse(data);
      } catch {
        // Not JSON (a comment or keep-alive): nothing to show.
      }
    }
    if (done) return;
  }
}

/** The ledger record of a request, which its writer stores a moment after the answer ends: asked a few times. */
async function ledgerRecord(requestId, isCurrent) {
  for (let attempt = 0; attempt < 12 && isCurrent(); attempt++) {
    try {
      return await api.get(`/admin/requests/${encodeURIComponent(requestId)}`);
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    await new Promise(resolve => setTimeout(resolve, 250 + attempt * 100));
  }
  return null;
}

function facts(response, requestId, me) {
  const header = name => response?.headers.get(name);
  const fallback = header('x-switchyard-fallback-from');
  return h('div', { class: 'play-facts' },
    response ? statusBadge(response.status) : null,
    header('x-switchyard-model') ? h('span', null, t('playground.served'), ' ', h('code', null, header('x-switchyard-model'))) : null,
    fallback ? badge(t('playground.fallbackFrom', { model: fallback }), 'warn') : null,
    header('x-switchyard-overhead-ms') ? h('span', null, t('playground.overhead', { ms: header('x-switchyard-overhead-ms') })) : null,
    requestId ? h('button', { type: 'button', class: 'link play-request', title: t('playground.openRecord'), onclick: () => openRequestDetail(requestId, me) },
      h('code', null, requestId)) : null);
}

function ledgerFacts(record) {
  if (!record) return h('span', { class: 'muted-note' }, t('playground.noRecord'));
  const tokens = t('playground.tokens', { input: formatNumber(record.input_tokens), output: formatNumber(record.output_tokens) });
  return h('div', { class: 'play-facts play-ledger' },
    h('span', null, tokens),
    h('span', null, t('playground.cost', { cost: formatUsd(record.cost_usd) })),
    record.ttfb_ms !== null && record.ttfb_ms !== undefined ? h('span', null, t('playground.ttft', { ms: formatNumber(record.ttfb_ms) })) : null,
    h('span', null, t('playground.latency', { ms: formatNumber(record.latency_ms) })),
    record.usage_estimated ? badge(t('playground.estimated'), 'warn') : null);
}

/** Not a muted notice: the page tests read a first-child muted notice as "still loading". */
function emptyNote() {
  return h('p', { class: 'play-empty hint' }, t('playground.empty'));
}

export async function render(container, { me, isCurrent }) {
  const slot = h('div', null, notice('muted', t('common.loading')));
  const header = pageHeader(t('page.playground'), t('playground.subtitle'));
  replace(container, header, slot);

  // Super admins may play in any group (the master key, which has none, must pick one); everyone else in their own.
  let groups = me.group ? [me.group] : [];
  if (me.role === 'super_admin') {
    try {
      groups = [...new Set([...(me.group ? [me.group] : []), ...(await api.getAll('/admin/groups')).map(g => g.name)])];
    } catch (error) {
      replace(slot, errorNotice(error, t('page.groups')));
      return;
    }
  }
  if (!groups.length) {
    replace(slot, notice('muted', t('playground.noGroup')));
    return;
  }

  const groupSelect = select('group', groups, groups[0], { id: 'play-group', disabled: groups.length === 1 });
  const modelSelect = select('model', [], null, { id: 'play-model' });
  const protocolSelect = select('protocol', PROTOCOLS.map(p => [p, t(`playground.api.${p}`)]), 'chat', { id: 'play-protocol' });
  const system = h('textarea', { id: 'play-system', name: 'system', rows: '2', placeholder: t('playground.systemPlaceholder') });
  const temperature = input('temperature', { id: 'play-temperature', type: 'number', min: '0', max: '2', step: '0.1', placeholder: t('playground.default') });
  const maxTokens = input('max_tokens', { id: 'play-max-tokens', type: 'number', min: '1', step: '1', placeholder: t('playground.default') });
  const stream = h('input', { type: 'checkbox', id: 'play-stream', name: 'stream', checked: true });
  const message = h('textarea', { id: 'play-message', name: 'message', rows: '3', placeholder: t('playground.messagePlaceholder') });
  const send = h('button', { type: 'submit', class: 'primary', id: 'play-send' }, t('playground.send'));
  const stop = h('button', { type: 'button', class: 'secondary', id: 'play-stop', disabled: true }, t('playground.stop'));
  const clear = h('button', { type: 'button', class: 'secondary', id: 'play-clear' }, t('playground.clear'));
  const conversation = h('div', { class: 'play-conversation', id: 'play-conversation', 'aria-live': 'polite' },
    emptyNote());
  const modelNote = h('div');

  let turns = [];
  let controller = null;

  async function loadModels() {
    replace(modelNote);
    try {
      const answer = await api.get(`/admin/groups/${encodeURIComponent(groupSelect.value)}/models`);
      const names = answer.data.map(m => m.name);
      replace(modelSelect, ...names.map(name => h('option', { value: name }, name)));
      if (!names.length) replace(modelNote, notice('muted', t('models.noneUsable')));
    } catch (error) {
      replace(modelSelect);
      replace(modelNote, errorNotice(error, t('page.models')));
    }
  }
  const asYou = notice('muted', t('playground.asYou', { group: groupSelect.value }));
  groupSelect.addEventListener('change', () => {
    replace(asYou, t('playground.asYou', { group: groupSelect.value }));
    turns = [];
    replace(conversation, emptyNote());
    loadModels();
  });
  clear.addEventListener('click', () => {
    turns = [];
    replace(conversation, emptyNote());
  });
  stop.addEventListener('click', () => controller?.abort());

  function bubble(role, text) {
    const body = h('div', { class: 'play-text' }, text);
    const node = h('div', { class: ['play-turn', role], dataset: { role } },
      h('div', { class: 'play-role' }, role === 'user' ? t('playground.you') : t('playground.assistant')), body);
    conversation.querySelector('.play-empty')?.remove();
    conversation.append(node);
    return { node, body };
  }

  async function sendMessage(event) {
    event.preventDefault();
    const text = message.value.trim();
    if (!text || controller || !modelSelect.value) return;
    const protocol = protocolSelect.value;
    const asked = [...turns, { role: 'user', text }];
    bubble('user', text);
    turns = asked;
    message.value = '';
    const answer = bubble('assistant', '');
    answer.node.classList.add('pending');
    const { path, body } = buildRequest(protocol, {
      model: modelSelect.value, system: system.value.trim(), temperature: temperature.value, maxTokens: maxTokens.value,
      stream: stream.checked, turns: asked,
    });
    const group = groupSelect.value;
    const url = path + (me.group === group ? '' : `${path.includes('?') ? '&' : '?'}group=${encodeURIComponent(group)}`);
    controller = new AbortController();
    send.disabled = true;
    stop.disabled = false;
    let response = null;
    let requestId = null;
    let reply = '';
    let failure = null;
    try {
      response = await api.open(url, body, controller.signal);
      requestId = response.headers.get('x-request-id');
      if ((response.headers.get('content-type') || '').includes('text/event-stream')) {
        for await (const item of serverEvents(response)) {
          const delta = streamDelta(protocol, item);
          if (delta?.error) failure = delta.error;
          if (delta?.text) {
            reply += delta.text;
            replace(answer.body, reply);
          }
        }
      } else {
        reply = replyText(protocol, await response.json());
        replace(answer.body, reply);
      }
    } catch (error) {
      failure = error.name === 'AbortError' ? t('playground.stopped') : error.message;
      requestId = requestId ?? error.requestId ?? null;
      if (error.status) response = { status: error.status, headers: new Headers() };
    } finally {
      controller = null;
      send.disabled = false;
      stop.disabled = true;
      answer.node.classList.remove('pending');
    }
    if (reply) {
      turns = [...asked, { role: 'assistant', text: reply }];
    }
    if (failure) {
      answer.node.classList.add('failed');
      answer.node.append(h('p', { class: 'notice error', role: 'alert' }, failure));
    }
    const ledgerSlot = h('div', null, requestId ? h('span', { class: 'muted-note' }, t('playground.recording')) : null);
    answer.node.append(facts(response, requestId, me), ledgerSlot);
    if (requestId) {
      ledgerRecord(requestId, isCurrent).then(record => replace(ledgerSlot, ledgerFacts(record)),
        error => replace(ledgerSlot, errorNotice(error, t('page.requests'))));
    }
  }

  const form = h('form', { class: 'play-form', id: 'play-form', onsubmit: sendMessage },
    h('div', { class: 'form-grid' },
      field(t('column.group'), groupSelect),
      field(t('column.model'), modelSelect),
      field(t('playground.protocol'), protocolSelect),
      field(t('playground.temperature'), temperature),
      field(t('playground.maxTokens'), maxTokens),
      h('label', { class: 'field check' }, stream, h('span', null, t('playground.stream'))),
      h('div', { class: 'wide' }, field(t('playground.system'), system))),
    modelNote);
  const composer = h('form', { class: 'play-composer', onsubmit: sendMessage },
    field(t('playground.message'), message),
    h('div', { class: 'actions' }, send, stop, clear));
  message.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) composer.requestSubmit();
  });
  replace(container, header,
    asYou,
    h('section', { class: 'panel' }, form),
    h('section', { class: 'panel' }, conversation, composer));
  await loadModels();
}
