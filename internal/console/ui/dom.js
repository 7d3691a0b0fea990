// Small DOM helpers. Text always goes in as text (never as HTML), so
// nothing a user or a provider chose can run as script.
import { Stale } from './api.js';

let seq = 0;

// h builds an element: attributes (on* are listeners), then children
// (strings become text nodes; null and false are skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// field is a labelled input (or select/textarea given as tag).
export function field(label, attrs = {}, tag = 'input', options = []) {
  const id = attrs.id || 'f' + (++seq);
  const input = tag === 'select'
    ? h('select', { ...attrs, id }, options.map(([v, t]) => h('option', { value: v, selected: v === attrs.value }, t)))
    : h(tag, { ...attrs, id });
  if (tag === 'select' && attrs.value !== undefined) input.value = attrs.value;
  if (attrs.type === 'checkbox') {
    return h('div', { class: 'check' }, input, h('label', { for: id }, label));
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

// form wraps fields with a submit button; onsubmit gets the form's values
// by name. Errors it throws are shown in the form.
export function form(title, fields, submit, onsubmit, attrs = {}) {
  const err = h('p', { class: 'error', role: 'alert' });
  const btn = h('button', { type: 'submit' }, submit);
  const f = h('form', { ...attrs, novalidate: false }, title ? h('h3', {}, title) : null, fields, h('div', { class: 'actions' }, btn), err);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    btn.disabled = true;
    try {
      await onsubmit(values(f), f);
    } catch (x) {
      if (x instanceof Stale) return;
      err.textContent = x.message || String(x);
    } finally {
      btn.disabled = false;
    }
  });
  return f;
}

// values reads a form's named controls: checkboxes as booleans.
export function values(f) {
  const out = {};
  for (const el of f.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else out[el.name] = el.value;
  }
  return out;
}

// button makes a button whose async handler's error is announced.
export function button(text, onclick, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onclick();
    } catch (x) {
      if (x instanceof Stale) return;
      say(x.message || String(x), true);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// say announces a message in the status region.
export function say(msg, isError = false) {
  const s = document.getElementById('status');
  s.className = isError ? 'error' : 'ok';
  s.textContent = msg;
}

// table renders rows under headings; cells are nodes or text.
export function table(caption, heads, rows) {
  return h('div', { class: 'scroll' }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))
      : h('tr', {}, h('td', { colspan: heads.length }, 'Nothing yet.')))));
}

// when shows an API time, or a dash.
export function when(t) {
  return t ? new Date(t).toLocaleString() : '—';
}

// mount replaces the main region's content and moves focus to it.
export function mount(...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children.flat());
  const first = main.querySelector('h1');
  if (first) document.title = first.textContent + ' · Gatehouse console';
  main.focus();
}
