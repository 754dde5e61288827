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
// 4. Media bank: the upload form sends its files one at a time with a
//    progress line each; the editor's "upload a new photo" sends one file
//    and puts its bank number (and caption, credit when empty) in the form.
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

  function uploadFile(file, csrf, onProgress) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("files", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", "/newsroom/media");
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && onProgress) onProgress(Math.round((100 * event.loaded) / event.total));
      });
      request.addEventListener("load", function () {
        var results = null;
        try {
          results = JSON.parse(request.responseText);
        } catch (e) {
          results = null;
        }
        var result = results && results[0];
        resolve(result || { name: file.name, error: "HTTP " + request.status });
      });
      request.addEventListener("error", function () {
        resolve({ name: file.name, error: "network error" });
      });
      request.send(data);
    });
  }

  function setUpMediaUpload() {
    var form = document.querySelector("form[data-upload-form]");
    if (!form || !window.FormData || !window.Promise) return;
    var list = form.querySelector(".upload-progress");
    var input = form.querySelector("input[type=file]");
    var csrf = form.querySelector("input[name=csrf]").value;
    form.addEventListener("submit", function (event) {
      if (!input.files.length) return;
      event.preventDefault();
      var files = Array.prototype.slice.call(input.files);
      var chain = Promise.resolve();
      files.forEach(function (file) {
        var line = document.createElement("li");
        line.textContent = file.name + " — " + form.dataset.uploading;
        list.appendChild(line);
        chain = chain.then(function () {
          return uploadFile(file, csrf, function (percent) {
            line.textContent = file.name + " — " + percent + "%";
          }).then(function (result) {
            line.textContent = "";
            if (result.id) {
              var link = document.createElement("a");
              link.href = "/newsroom/media/" + result.id;
              link.textContent = file.name + " (#" + result.id + ")";
              line.appendChild(link);
              line.className = "form-message form-message--ok";
            } else {
              line.textContent = file.name + ": " + result.error;
              line.className = "form-message";
            }
          });
        });
      });
      chain.then(function () {
        input.value = "";
      });
    });
  }

  function setUpEditorPhotoUpload() {
    var holder = document.querySelector("[data-photo-upload]");
    var form = document.querySelector("form.editor__form");
    if (!holder || !form || !window.FormData || !window.Promise) return;
    holder.hidden = false;
    var input = holder.querySelector("input[type=file]");
    var status = holder.querySelector(".photo-upload__status");
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      status.textContent = input.dataset.uploading;
      var csrf = form.querySelector("input[name=csrf]").value;
      uploadFile(file, csrf, function (percent) {
        status.textContent = input.dataset.uploading + " " + percent + "%";
      }).then(function (result) {
        if (!result.id) {
          status.textContent = result.error;
          return;
        }
        form.querySelector("input[name=main_media]").value = String(result.id);
        var caption = form.querySelector("input[name=caption]");
        var credit = form.querySelector("input[name=credit]");
        if (caption && !caption.value) caption.value = result.caption || "";
        if (credit && !credit.value) credit.value = result.credit || "";
        status.textContent = input.dataset.done + " #" + result.id;
        form.dispatchEvent(new Event("change"));
      });
    });
  }

  // The focal point on a photo's record: a click on the preview fills the
  // two percent fields and moves the mark; typing in them moves it too.
  // (Positions are set through the CSSOM, which the CSP allows.)
  function setUpFocalPicker() {
    var picker = document.querySelector("[data-focal-picker]");
    var x = document.getElementById("focal_x");
    var y = document.getElementById("focal_y");
    if (!picker || !x || !y) return;
    var mark = picker.querySelector(".focal-picker__mark");
    var image = picker.querySelector("img");
    function place() {
      var px = Number(x.value), py = Number(y.value);
      if (!isFinite(px) || !isFinite(py) || x.value === "" || y.value === "") return;
      mark.style.left = Math.min(100, Math.max(0, px)) + "%";
      mark.style.top = Math.min(100, Math.max(0, py)) + "%";
      mark.hidden = false;
    }
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      if (!box.width || !box.height) return;
      x.value = String(Math.round(((event.clientX - box.left) / box.width) * 100));
      y.value = String(Math.round(((event.clientY - box.top) / box.height) * 100));
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
    picker.classList.add("focal-picker--active");
    place();
  }

  function start() {
    setUpInfiniteScroll();
    setUpNewsfeed();
    setUpEditorBackup();
    setUpMediaUpload();
    setUpEditorPhotoUpload();
    setUpFocalPicker();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
