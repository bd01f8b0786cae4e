// Draws the state diagrams (```mermaid blocks, written as <div class="pf-diagram">) with the
// copy of Mermaid this site serves itself: the pages need no network to show them.
(function () {
  function render() {
    if (typeof mermaid === "undefined") {
      return;
    }
    mermaid.initialize({
      startOnLoad: false,
      theme: "neutral",
      securityLevel: "strict",
      fontFamily: "system-ui, 'Noto Sans CJK SC', 'PingFang SC', sans-serif",
      state: { useMaxWidth: true, nodeSpacing: 24, rankSpacing: 36 },
    });
    mermaid.run({ querySelector: ".pf-diagram" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
