"""Keyboard shortcuts of the lead inbox (documented in the page's “Shortcuts” popover).

List: j / k move, Enter (or o) opens, c opens the lead with the “Log call” form, / focuses search.
Detail: c log call, e log e-mail, m log meeting, n add note, t add task, Esc back to the list.
"""

from __future__ import annotations

import reflex as rx

SHORTCUTS: list[tuple[str, str]] = [
    ("j / k", "Next / previous lead"),
    ("Enter", "Open the lead"),
    ("c", "Log a call (list: on the highlighted lead)"),
    ("/", "Search leads"),
    ("e / m / n / t", "On a lead: log e-mail, meeting, note; add task"),
    ("Esc", "On a lead: back to the list"),
]

KEYS_JS = r"""
(function () {
  if (window.__swLeadKeys) return;
  window.__swLeadKeys = true;
  function typing(t) {
    var tag = ((t && t.tagName) || '').toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll('[data-lead-row]')); }
  function current(list) {
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute('data-focused') === 'true') return i;
    return -1;
  }
  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || typing(e.target)) return;
    if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
    var path = window.location.pathname.replace(/\/+$/, '');
    if (path === '/leads') {
      var list = rows();
      if (e.key === '/') {
        var box = document.querySelector('input[placeholder="Search leads"]');
        if (box) { e.preventDefault(); box.focus(); }
        return;
      }
      if (!list.length) return;
      var cur = current(list);
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        var next = cur < 0 ? 0 : Math.min(list.length - 1, Math.max(0, cur + (e.key === 'j' ? 1 : -1)));
        list.forEach(function (r) { r.removeAttribute('data-focused'); });
        list[next].setAttribute('data-focused', 'true');
        list[next].focus();
        list[next].scrollIntoView({ block: 'nearest' });
      } else if ((e.key === 'Enter' || e.key === 'o') && cur >= 0) {
        e.preventDefault();
        var link = list[cur].querySelector('a[data-lead-link]');
        if (link) link.click();
      } else if (e.key === 'c' && cur >= 0) {
        e.preventDefault();
        window.location.assign('/leads/' + list[cur].getAttribute('data-lead-id') + '?log=call');
      }
    } else if (path.indexOf('/leads/') === 0) {
      var ids = { c: 'log-call', e: 'log-email', m: 'log-meeting', n: 'log-note', t: 'add-task' };
      if (ids[e.key]) {
        var button = document.getElementById(ids[e.key]);
        if (button) { e.preventDefault(); button.click(); }
      } else if (e.key === 'Escape') {
        var back = document.getElementById('back-to-leads');
        if (back) back.click();
      }
    }
  });
})();
"""


def install_keys() -> rx.event.EventSpec:
    """Run on mount of the lead pages; the script installs itself once per browser tab."""
    return rx.call_script(KEYS_JS)


def shortcuts_popover() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("keyboard", size=16), "Shortcuts", variant="soft", color_scheme="gray"
            )
        ),
        rx.popover.content(
            rx.vstack(
                *[
                    rx.hstack(rx.code(key), rx.text(text, size="2"), spacing="3", align="center")
                    for key, text in SHORTCUTS
                ],
                spacing="2",
            ),
        ),
    )
