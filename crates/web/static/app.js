// Dateline's reader-side script: progressive enhancement only. Every page
// works without it. Loaded with `defer` from a same-origin file (the CSP
// forbids inline script).
//
// 1. Infinite scroll: a story list's "Older stories" link (`a[data-more]`)
//    fetches the next page when it scrolls into view and appends its items.
// 2. Newsfeed: counts items new since the reader's last visit (kept in
//    localStorage per edition) and refreshes the list every minute from the
//    JSON API.
// 3. Newsroom editor: keeps a copy of the typed text in localStorage while
//    typing, so nothing is lost when a session expires or the browser
//    closes; a later visit offers to restore it. A successful save clears it.
//    It also autosaves to the server (the form posted with action=autosave)
//    a few seconds after typing stops, and says so in a status line.
(function () {
  "use strict";

  function appendNextPage(list) {
    var link = list.querySelector("a[data-more]");
    if (!link || link.dataset.loading) return;
    link.dataset.loading = "1";
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.querySelector("[data-story-list]");
        var target = list.querySelector("[data-list]");
        if (!next || !target) throw new Error("no story list in the next page");
        var items = next.querySelectorAll("[data-list] > li");
        for (var i = 0; i < items.length; i++) {
          target.appendChild(document.importNode(items[i], true));
        }
        var nextLink = next.querySelector("a[data-more]");
        if (nextLink) {
          link.href = nextLink.getAttribute("href");
          delete link.dataset.loading;
          link.removeAttribute("aria-busy");
        } else {
          link.remove();
        }
      })
      .catch(function () {
        // Leave the plain link in place: a click still works.
        delete link.dataset.loading;
        link.removeAttribute("aria-busy");
      });
  }

  function setUpInfiniteScroll() {
    if (!("IntersectionObserver" in window) || !window.fetch || !window.DOMParser) return;
    var lists = document.querySelectorAll("[data-story-list]");
    Array.prototype.forEach.call(lists, function (list) {
      if (!list.querySelector("a[data-more]") || !list.querySelector("[data-list]")) return;
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) appendNextPage(list);
        });
      }, { rootMargin: "600px 0px" });
      var watch = function () {
        var link = list.querySelector("a[data-more]");
        observer.disconnect();
        if (link) observer.observe(link);
      };
      new MutationObserver(watch).observe(list, { childList: true, subtree: true });
      watch();
    });
  }

  function readLastVisit(key) {
    try {
      return parseInt(window.localStorage.getItem(key) || "0", 10) || 0;
    } catch (e) {
      return 0;
    }
  }

  function writeLastVisit(key, value) {
    try {
      window.localStorage.setItem(key, String(value));
    } catch (e) {
      /* private mode: no counter, nothing else breaks */
    }
  }

  function showNewCount(feed, lastVisit) {
    var title = feed.querySelector(".newsfeed__title");
    var badge = feed.querySelector(".newsfeed-badge");
    var items = feed.querySelectorAll("li[data-published]");
    var fresh = 0;
    if (lastVisit > 0) {
      Array.prototype.forEach.call(items, function (item) {
        var isNew = parseInt(item.dataset.published, 10) > lastVisit;
        item.classList.toggle("is-new", isNew);
        if (isNew) fresh++;
      });
    }
    if (fresh === 0) {
      if (badge) badge.remove();
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "newsfeed-badge";
      badge.setAttribute("role", "status");
      title.appendChild(document.createTextNode(" "));
      title.appendChild(badge);
    }
    badge.textContent = feed.dataset.newLabel + " " + fresh;
  }

  function refreshFeed(feed, lastVisit) {
    var edition = feed.dataset.edition;
    fetch("/api/v1/articles?limit=8&edition=" + encodeURIComponent(edition), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (page) {
        var list = feed.querySelector(".newsfeed__items");
        if (!list || !page.items) return;
        var known = {};
        Array.prototype.forEach.call(list.querySelectorAll("a"), function (a) {
          known[a.getAttribute("href")] = true;
        });
        page.items
          .slice()
          .reverse()
          .forEach(function (item) {
            var path = new URL(item.url, window.location.href).pathname;
            if (known[path]) return;
            var li = document.createElement("li");
            var published = Math.floor(Date.parse(item.published_at) / 1000);
            li.dataset.published = String(published);
            var time = document.createElement("time");
            time.dateTime = item.published_at;
            time.textContent = new Date(item.published_at).toLocaleTimeString(document.documentElement.lang, {
              hour: "2-digit",
              minute: "2-digit",
              timeZone: "UTC",
              timeZoneName: "short",
            });
            var a = document.createElement("a");
            a.href = path;
            a.textContent = item.headline;
            li.appendChild(time);
            li.appendChild(document.createTextNode(" "));
            li.appendChild(a);
            list.insertBefore(li, list.firstChild);
          });
        while (list.children.length > 8) list.removeChild(list.lastChild);
        showNewCount(feed, lastVisit);
      })
      .catch(function () {
        /* offline or server busy: keep what is shown */
      });
  }

  function setUpNewsfeed() {
    var feed = document.querySelector("[data-newsfeed]");
    if (!feed) return;
    var key = "dateline:last-visit:" + feed.dataset.edition;
    var lastVisit = readLastVisit(key);
    showNewCount(feed, lastVisit);
    writeLastVisit(key, Math.floor(Date.now() / 1000));
    if (window.fetch) {
      window.setInterval(function () {
        if (!document.hidden) refreshFeed(feed, lastVisit);
      }, 60000);
    }
  }

  function editorValues(form) {
    var values = {};
    var fields = form.querySelectorAll("input[name], textarea[name], select[name]");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.type === "hidden" || field.type === "submit") return;
      if (field.type === "checkbox") {
        values[field.name] = field.checked;
      } else if (field.multiple) {
        values[field.name] = Array.prototype.filter
          .call(field.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function fillEditor(form, values) {
    Object.keys(values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) return;
      if (field.type === "checkbox") {
        field.checked = !!values[name];
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (o) {
          o.selected = values[name].indexOf(o.value) >= 0;
        });
      } else {
        field.value = values[name];
      }
    });
  }

  function setUpEditorBackup() {
    var form = document.querySelector("form.editor__form");
    if (!form) return;
    var key = "dateline:editor:" + form.getAttribute("action");
    var pendingKey = "dateline:editor:pending";
    var storage;
    try {
      storage = window.localStorage;
      if (new URLSearchParams(window.location.search).has("done")) {
        var pending = window.sessionStorage.getItem(pendingKey);
        if (pending) storage.removeItem(pending);
        window.sessionStorage.removeItem(pendingKey);
      }
    } catch (e) {
      return;
    }
    var saved = null;
    try {
      saved = JSON.parse(storage.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    if (saved && saved.values && JSON.stringify(saved.values) !== JSON.stringify(editorValues(form))) {
      var banner = document.createElement("div");
      banner.className = "form-message backup-banner";
      banner.setAttribute("role", "alert");
      var text = document.createElement("p");
      text.textContent = form.dataset.backupText + " " + new Date(saved.at).toLocaleString(document.documentElement.lang);
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "button";
      restore.textContent = form.dataset.backupRestore;
      restore.addEventListener("click", function () {
        fillEditor(form, saved.values);
        banner.remove();
      });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button button--quiet";
      discard.textContent = form.dataset.backupDiscard;
      discard.addEventListener("click", function () {
        storage.removeItem(key);
        banner.remove();
      });
      banner.appendChild(text);
      banner.appendChild(restore);
      banner.appendChild(document.createTextNode(" "));
      banner.appendChild(discard);
      form.parentNode.insertBefore(banner, form);
    }
    var timer = null;
    var save = function () {
      try {
        storage.setItem(key, JSON.stringify({ at: Date.now(), values: editorValues(form) }));
      } catch (e) {
        /* storage full or blocked: the server-side save still works */
      }
    };
    var later = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    setUpServerAutosave(form);
    form.addEventListener("submit", function () {
      save();
      try {
        window.sessionStorage.setItem(pendingKey, key);
      } catch (e) {
        /* nothing to clean up later then */
      }
    });
  }

  function setUpServerAutosave(form) {
    var status = form.querySelector(".autosave-status");
    if (!status || !window.fetch || !window.FormData) return;
    var timer = null;
    var inFlight = false;
    var again = false;
    var send = function () {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      var data = new FormData(form);
      data.set("action", "autosave");
      window
        .fetch(form.getAttribute("action"), {
          method: "POST",
          body: new URLSearchParams(data),
          credentials: "same-origin",
          redirect: "manual"
        })
        .then(function (response) {
          if (response.status === 204) {
            var now = new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
            status.textContent = form.dataset.autosaveSaved + " " + now;
            status.classList.remove("autosave-status--failed");
          } else {
            throw new Error("autosave answered " + response.status);
          }
        })
        .catch(function () {
          status.textContent = form.dataset.autosaveFailed;
          status.classList.add("autosave-status--failed");
        })
        .then(function () {
          inFlight = false;
          if (again) {
            again = false;
            send();
          }
        });
    };
    var later = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, 3000);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
    });
  }

  function start() {
    setUpInfiniteScroll();
    setUpNewsfeed();
    setUpEditorBackup();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
