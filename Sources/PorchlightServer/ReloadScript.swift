/// The live-reload script and the tag that loads it; served from memory, added only by `porchlight serve`.
public enum ReloadScript {
    public static let path = "/__porchlight/reload.js"
    public static let eventsPath = "/__porchlight/events"
    public static let tag = "<script src=\"\(path)\"></script>"

    /// Adds the script tag just before the last `</body>`, or at the end when a page has none.
    public static func inject(into html: String) -> String {
        guard let body = html.range(of: "</body>", options: [.backwards, .caseInsensitive]) else { return html + tag }
        var out = html
        out.insert(contentsOf: tag, at: body.lowerBound)
        return out
    }

    public static let source = """
        // Live reload for `porchlight serve`: reloads on a new build, shows the errors of a failed one.
        (function () {
          "use strict";
          if (!window.EventSource) return;
          var build = null;
          var box = null;
          var source = new EventSource("\(eventsPath)");
          source.addEventListener("hello", function (event) {
            if (build !== null && event.data !== build) { location.reload(); return; }
            build = event.data;
          });
          source.addEventListener("reload", function () { location.reload(); });
          source.addEventListener("errors", function (event) { show(event.data); });

          function show(text) {
            if (box) box.remove();
            box = document.createElement("div");
            box.id = "porchlight-errors";
            box.setAttribute("role", "alert");
            box.style.cssText = "position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-height:60vh;" +
              "overflow:auto;padding:1rem;background:#fff;color:#111;border:3px solid #b00020;border-radius:6px;" +
              "box-shadow:0 4px 24px rgba(0,0,0,.35);font:15px/1.4 system-ui,sans-serif;text-align:left;";
            var title = document.createElement("p");
            title.style.cssText = "margin:0 0 .5rem;font-weight:bold;color:#b00020;";
            title.textContent = "The site could not be rebuilt. This page is the last version that built.";
            var list = document.createElement("pre");
            list.style.cssText = "margin:0 0 .75rem;white-space:pre-wrap;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;";
            list.textContent = text;
            var close = document.createElement("button");
            close.type = "button";
            close.textContent = "Hide";
            close.addEventListener("click", function () { box.remove(); box = null; });
            box.appendChild(title);
            box.appendChild(list);
            box.appendChild(close);
            document.body.appendChild(box);
          }
        })();

        """
}
