// The example notebook's cells, in the form observablehq.com compiles a notebook to (what
// "Export → Download code" gives, and what the runtime runs): one variable per cell, `viewof x`
// as two variables, the element and its value through `Generators.input`.
//
// Written in a notebook, the cells read:
//
//   alyxqc = import("../../dist/observable/index.js")   // from a CDN once published
//   params = new URLSearchParams(location.search)
//   baseUrl = params.get("alyx") ?? "/alyx"
//   eid = params.get("eid") ?? "d9e994e1-c4aa-4d58-a958-c247286598f6"
//   viewof alyx = alyxqc.loginForm({baseUrl})
//   viewof signoff = alyxqc.signOffInput({alyx, eid, kind: "task", key: "_ephysChoiceWorld_00"})
//   signoff
//   summary = `${signoff.reasons.length} reason(s): ${signoff.reasons.join("; ") || "none"}`
//
// (With a token at hand, `alyx = alyxqc.AlyxClient.login(baseUrl, {username, token})` replaces
// the login form.)

export default function define(runtime, observer) {
  const main = runtime.module();
  main.variable(observer("title")).define("title", ["html"], (html) => html`<h2>Sign off the task QC of a session</h2>`);
  main.variable(observer("alyxqc")).define("alyxqc", () => import("../../dist/observable/index.js"));
  main.variable().define("params", () => new URLSearchParams(location.search));
  main.variable(observer("baseUrl")).define("baseUrl", ["params"], (params) => params.get("alyx") ?? "/alyx");
  main.variable(observer("eid")).define("eid", ["params"], (params) => params.get("eid") ?? "d9e994e1-c4aa-4d58-a958-c247286598f6");
  main.variable(observer("viewof alyx")).define("viewof alyx", ["alyxqc", "baseUrl"], (alyxqc, baseUrl) => alyxqc.loginForm({ baseUrl }));
  main.variable(observer("alyx")).define("alyx", ["Generators", "viewof alyx"], (Generators, input) => Generators.input(input));
  main.variable(observer("viewof signoff")).define(
    "viewof signoff",
    ["alyxqc", "alyx", "eid"],
    (alyxqc, alyx, eid) => alyxqc.signOffInput({ alyx, eid, kind: "task", key: "_ephysChoiceWorld_00" }),
  );
  main.variable(observer("signoff")).define("signoff", ["Generators", "viewof signoff"], (Generators, input) => Generators.input(input));
  main.variable(observer("summary")).define(
    "summary",
    ["signoff"],
    (signoff) => `${signoff.reasons.length} reason(s): ${signoff.reasons.join("; ") || "none"}`,
  );
  return main;
}
