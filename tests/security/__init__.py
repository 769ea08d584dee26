"""The attack suite: every event handler of every state, called over Reflex's real websocket
protocol against the served app, as a hostile browser would.

Modules (tests import these helpers, never ``conftest``):

* ``catalog``: what to attack, read from the app at collection time (handlers, parameters and
  their input types, pages, URL parameters);
* ``protocol``: a minimal Socket.IO client for Reflex 0.10, and how it knows an event is done;
* ``harness``: actors signed in through the sign-in form, and the per-call checks (server log,
  database fingerprint, secrets in what came back);
* ``database``: the owner connection to the served app's embedded PostgreSQL, which rows each
  actor may not change, and their fingerprint;
* ``targets``/``world``: the scenarios, the ids they attack with and what they must not see;
* ``values``: valid and hostile arguments (hypothesis) from each parameter's declared type;
* ``report``: the run's figures and findings (terminal summary + JSON).

Run: ``make test-security`` (short sweep, part of ``make test``) or ``make security`` (full).
"""
