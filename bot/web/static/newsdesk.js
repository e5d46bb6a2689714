// Newsdesk's only script: type-ahead on the search field (progressive enhancement: without it,
// the form simply searches). An ARIA 1.2 combobox: arrow keys move through the titles, Enter
// opens the highlighted article, Escape closes the list. Titles are set as text, never HTML.
"use strict";

(function () {
  const DELAY_MS = 150;
  const MIN_CHARS = 2;

  function setUp(input) {
    const source = input.getAttribute("data-typeahead");
    const list = document.createElement("ul");
    const status = document.createElement("span");
    let active = -1;
    let timer = 0;
    let pending = null;

    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching titles");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const items = options();
      if (!items.length) {
        return;
      }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function open(article) {
      window.location.assign("/articles/" + encodeURIComponent(article));
    }

    function show(titles) {
      close();
      titles.forEach(function (found, i) {
        const item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.article = String(found.id);
        item.textContent = found.title;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the field until the page changes
          open(item.dataset.article);
        });
        list.appendChild(item);
      });
      status.textContent = titles.length ? titles.length + " matching titles" : "";
      if (titles.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function lookUp() {
      const typed = input.value.trim();
      if (pending) {
        pending.abort();
      }
      if (typed.length < MIN_CHARS) {
        close();
        return;
      }
      pending = new AbortController();
      fetch(source + "?q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { titles: [] };
        })
        .then(function (answer) {
          if (input.value.trim() === typed) {
            show(answer.titles || []);
          }
        })
        .catch(function () {
          // Aborted by newer typing, or offline: the form still searches.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!list.hidden) {
          event.preventDefault();
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        }
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        open(options()[active].dataset.article);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-typeahead]").forEach(setUp);
})();

// The feed template editor's live preview (progressive enhancement: without it, the Preview
// button shows the same). As the admin types, the form (with its CSRF token) goes to the
// server, which draws the post exactly as the bot will; its HTML (escaped there) replaces the
// preview. Only the newest answer is shown.
(function () {
  const DELAY_MS = 250;

  function setUp(form) {
    const address = form.getAttribute("data-preview");
    let timer = 0;
    let pending = null;

    function refresh() {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(address, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          const shown = document.getElementById("post-preview");
          if (html !== null && shown) {
            const drawn = new DOMParser().parseFromString(html, "text/html");
            const fresh = drawn.getElementById("post-preview");
            if (fresh) {
              shown.replaceWith(document.adoptNode(fresh));
            }
          }
        })
        .catch(function () {
          // Aborted by newer typing, or offline: the Preview button still works.
        });
    }

    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
  }

  document.querySelectorAll("form[data-preview]").forEach(setUp);
})();
