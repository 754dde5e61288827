// Dateline's reader-side script: progressive enhancement only. Every page
// works without it. Loaded with `defer` from a same-origin file (the CSP
// forbids inline script).
//
// 1. Infinite scroll: a story list's "Older stories" link (`a[data-more]`)
//    fetches the next page when it scrolls into view and appends its items.
// 2. Live newsfeed: one tab per edition keeps the Server-Sent Events stream
//    open and shares its events with the others; new stories join the
//    newsfeed widget and the newsfeed page, breaking news shows a banner
//    until dismissed, and the widget counts stories published since the
//    reader's previous visit (kept in localStorage per edition). A live
//    blog's page adds, corrects and removes its entries as they change.
// 3. Newsroom editor: keeps a copy of the typed text in localStorage while
//    typing, so nothing is lost when a session expires or the browser
//    closes; a later visit offers to restore it. A successful save clears it.
//    It also autosaves to the server (the form posted with action=autosave)
//    a few seconds after typing stops, and says so in a status line.
// 4. Media bank: the upload form sends its files one at a time with a
//    progress line each; the editor's "upload a new photo" sends one file
//    and puts its bank number (and caption, credit when empty) in the form.
// 5. Chat rooms: the room page opens its WebSocket and becomes the live
//    room, resuming after a lost connection with the last event id.
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

  // ----- 2. The live newsfeed -----
  //
  // One tab per edition holds the event stream (a Web Lock elects it) and
  // passes events to the other tabs over a BroadcastChannel, so many open
  // tabs cost one connection (browsers allow six per site over HTTP/1.1).
  // The last event id is kept in localStorage: a tab that takes over
  // resumes where the previous one stopped.

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* private mode: counters and dismissals last for this page only */
    }
  }

  // A visit ends after 30 minutes without a page view. The counter shows
  // what was published since the previous visit ended, the same on every
  // reload and in every tab of this visit.
  var VISIT_GAP = 30 * 60;

  function visitStart(edition) {
    var key = "dateline:visit:" + edition;
    var now = Math.floor(Date.now() / 1000);
    var visit = null;
    try {
      visit = JSON.parse(storageGet(key) || "null");
    } catch (e) {
      visit = null;
    }
    if (!visit || typeof visit.last !== "number" || typeof visit.since !== "number") {
      visit = { since: 0, last: now }; // a first visit: nothing is "new"
    } else if (now - visit.last > VISIT_GAP) {
      visit = { since: visit.last, last: now };
    } else {
      visit.last = now;
    }
    storageSet(key, JSON.stringify(visit));
    return visit.since;
  }

  function showNewCount(feed, since) {
    var title = feed.querySelector(".newsfeed__title");
    var badge = feed.querySelector(".newsfeed-badge");
    var items = feed.querySelectorAll("li[data-published]");
    var fresh = 0;
    Array.prototype.forEach.call(items, function (item) {
      var isNew = since > 0 && parseInt(item.dataset.published, 10) > since;
      item.classList.toggle("is-new", isNew);
      if (isNew) fresh++;
    });
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
    badge.textContent = feed.dataset.newLabel + " " + (fresh >= items.length ? fresh + "+" : fresh);
  }

  function timeLabel(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "UTC",
      timeZoneName: "short",
    });
  }

  // A line for the widget or the newsfeed page, built from an event.
  function feedLine(story, withSection) {
    var li = document.createElement("li");
    li.dataset.published = String(Math.floor(Date.parse(story.published_at) / 1000));
    li.dataset.article = String(story.article_id);
    li.dataset.href = story.href;
    if (story.breaking) li.className = "is-breaking";
    var time = document.createElement("time");
    time.dateTime = story.published_at;
    time.textContent = timeLabel(story.published_at);
    li.appendChild(time);
    if (withSection && story.section) {
      li.appendChild(document.createTextNode(" "));
      var section = document.createElement("a");
      section.className = "feed-list__section";
      section.href = "/" + story.edition + "/" + story.section.slug;
      section.textContent = story.section.name;
      li.appendChild(section);
    }
    li.appendChild(document.createTextNode(" "));
    var a = document.createElement("a");
    a.href = story.href;
    if (withSection) a.className = "feed-list__headline";
    a.textContent = story.headline;
    li.appendChild(a);
    return li;
  }

  function findLine(list, story) {
    return list.querySelector('li[data-article="' + Number(story.article_id) + '"]');
  }

  // Applies one event to a list: adds a published story, renames an
  // updated one, drops a removed one. Returns true when it added a line.
  function applyToList(list, kind, story, withSection, limit) {
    var line = findLine(list, story);
    if (kind === "removed") {
      if (line) line.remove();
      return false;
    }
    if (line) {
      var headline = line.querySelector("a:last-of-type");
      if (headline) headline.textContent = story.headline;
      line.classList.toggle("is-breaking", !!story.breaking);
      return false;
    }
    if (kind !== "published") return false;
    list.insertBefore(feedLine(story, withSection), list.firstChild);
    if (limit) while (list.children.length > limit) list.removeChild(list.lastChild);
    return true;
  }

  // ----- Breaking-news banner -----

  function dismissed() {
    try {
      return JSON.parse(storageGet("dateline:dismissed") || "[]");
    } catch (e) {
      return [];
    }
  }

  function dismiss(id) {
    var ids = dismissed().filter(function (other) {
      return other !== id;
    });
    ids.push(id);
    storageSet("dateline:dismissed", JSON.stringify(ids.slice(-50)));
  }

  function removeBanner(id) {
    var banner = document.querySelector('.breaking-banner[data-article="' + Number(id) + '"]');
    if (banner) banner.remove();
  }

  // The banner's close button (rendered hidden: without the script there
  // is nowhere to remember a dismissal) works and shows.
  function wireDismiss(banner) {
    var close = banner.querySelector(".breaking-banner__dismiss");
    if (!close) return;
    close.hidden = false;
    close.addEventListener("click", function () {
      dismiss(Number(banner.dataset.article));
      banner.remove();
    });
  }

  function showBanner(story) {
    var id = Number(story.article_id);
    if (dismissed().indexOf(id) !== -1) return;
    var body = document.body;
    var existing = document.querySelector(".breaking-banner");
    if (existing && Number(existing.dataset.article) === id) {
      existing.querySelector("a").textContent = story.headline;
      return;
    }
    if (existing) existing.remove();
    var banner = document.createElement("div");
    banner.className = "breaking-banner";
    banner.setAttribute("role", "alert");
    banner.dataset.article = String(id);
    var label = document.createElement("strong");
    label.className = "breaking-banner__label";
    label.textContent = body.dataset.breakingLabel;
    var link = document.createElement("a");
    link.href = story.href;
    link.textContent = story.headline;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "breaking-banner__dismiss";
    close.textContent = "×";
    close.setAttribute("aria-label", body.dataset.dismissLabel);
    close.title = body.dataset.dismissLabel;
    banner.appendChild(label);
    banner.appendChild(document.createTextNode(" "));
    banner.appendChild(link);
    banner.appendChild(close);
    wireDismiss(banner);
    var masthead = document.querySelector(".masthead");
    if (masthead && masthead.nextSibling) body.insertBefore(banner, masthead.nextSibling);
    else body.insertBefore(banner, body.firstChild);
  }

  // ----- The stream, shared by the tabs of one edition -----

  function handleEvent(edition, feed, since, kind, story) {
    if (!story || story.edition !== edition) return;
    if (feed && applyToList(feed.querySelector(".newsfeed__items"), kind, story, false, 8)) {
      showNewCount(feed, since);
    } else if (feed) {
      showNewCount(feed, since);
    }
    var page = document.querySelector("[data-live-list]");
    if (page) {
      var only = page.dataset.section;
      if (!only || (story.section && story.section.slug === only)) {
        applyToList(page, kind, story, true, 0);
      } else if (kind === "removed") {
        applyToList(page, kind, story, true, 0);
      }
    }
    if (kind === "removed") removeBanner(story.article_id);
    else if (story.breaking && kind === "published") showBanner(story);
  }

  // A live blog's entries on its page: added at the top, corrected in
  // place (and marked), removed. The HTML was sanitised by the server, as
  // for the entries the page was rendered with.
  function applyEntry(kind, entry) {
    var article = document.querySelector("article[data-article-id]");
    if (!article || !entry || Number(article.dataset.articleId) !== Number(entry.article_id)) return;
    var blog = article.querySelector("[data-live-blog]");
    if (!blog) {
      // The story's first entry: the section the page shows with entries.
      if (kind !== "entry-added") return;
      blog = document.createElement("section");
      blog.className = "live-blog";
      blog.dataset.liveBlog = String(Number(entry.article_id));
      var heading = document.createElement("h2");
      heading.className = "live-blog__title";
      heading.textContent = article.dataset.liveLabel;
      var entries = document.createElement("ol");
      entries.className = "live-entries";
      entries.setAttribute("data-live-entries", "");
      blog.appendChild(heading);
      blog.appendChild(entries);
      var articleBody = article.querySelector(".article__body");
      articleBody.parentNode.insertBefore(blog, articleBody.nextSibling);
    }
    var list = blog.querySelector("[data-live-entries]");
    var item = list.querySelector('li[data-entry="' + Number(entry.entry_id) + '"]');
    if (kind === "entry-removed") {
      if (item) item.remove();
      return;
    }
    if (!item) {
      if (kind !== "entry-added") return;
      item = document.createElement("li");
      item.className = "live-entry";
      item.id = "entry-" + Number(entry.entry_id);
      item.dataset.entry = String(Number(entry.entry_id));
      var meta = document.createElement("p");
      meta.className = "live-entry__meta";
      var time = document.createElement("time");
      time.dateTime = entry.created_at;
      time.textContent = timeLabel(entry.created_at);
      meta.appendChild(time);
      var body = document.createElement("div");
      body.className = "live-entry__body";
      item.appendChild(meta);
      item.appendChild(body);
      list.insertBefore(item, list.firstChild);
    }
    item.querySelector(".live-entry__body").innerHTML = entry.html;
    if (entry.corrected && !item.querySelector(".live-entry__corrected")) {
      var mark = document.createElement("span");
      mark.className = "live-entry__corrected";
      mark.textContent = article.dataset.correctedLabel;
      var metaLine = item.querySelector(".live-entry__meta");
      metaLine.appendChild(document.createTextNode(" "));
      metaLine.appendChild(mark);
    }
  }

  function reloadFeed(edition, feed, since) {
    if (!feed || !window.fetch) return;
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
        list.textContent = "";
        page.items.forEach(function (item) {
          var path = new URL(item.url, window.location.href).pathname;
          list.appendChild(
            feedLine({ article_id: item.id, href: path, headline: item.headline, published_at: item.published_at, breaking: item.breaking }, false)
          );
        });
        showNewCount(feed, since);
      })
      .catch(function () {
        /* offline or busy: keep what is shown */
      });
  }

  function openStream(edition, deliver) {
    var key = "dateline:live-last-id:" + edition;
    var url = "/" + edition + "/newsfeed/events";
    var last = storageGet(key);
    if (last && /^\d+$/.test(last)) url += "?last_event_id=" + last;
    var source = new EventSource(url);
    ["published", "updated", "removed", "reset", "entry-added", "entry-corrected", "entry-removed"].forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        if (event.lastEventId) storageSet(key, event.lastEventId);
        var story = null;
        try {
          story = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        deliver({ kind: kind, story: story });
      });
    });
    return source;
  }

  function setUpLive() {
    var edition = document.body.dataset.edition;
    if (!edition) return;
    var feed = document.querySelector("[data-newsfeed]");
    var since = visitStart(edition);
    if (feed) showNewCount(feed, since);
    // The page came with the edition's breaking banner: gone if this
    // reader dismissed it before, dismissible otherwise.
    var rendered = document.querySelector(".breaking-banner[data-article]");
    if (rendered) {
      if (dismissed().indexOf(Number(rendered.dataset.article)) !== -1) rendered.remove();
      else wireDismiss(rendered);
    }
    function deliver(message) {
      if (message.kind === "reset") reloadFeed(edition, feed, since);
      else if (message.kind.indexOf("entry-") === 0) applyEntry(message.kind, message.story);
      else handleEvent(edition, feed, since, message.kind, message.story);
    }
    // Counters and dismissals changed in another tab.
    window.addEventListener("storage", function (event) {
      if (event.key === "dateline:dismissed") {
        dismissed().forEach(removeBanner);
      }
    });
    if (!window.EventSource) return;
    if (window.BroadcastChannel && navigator.locks && navigator.locks.request) {
      var channel = new BroadcastChannel("dateline-live-" + edition);
      channel.onmessage = function (event) {
        deliver(event.data);
      };
      // Whoever holds the lock streams for every tab until it closes.
      navigator.locks.request("dateline-live-" + edition, function () {
        openStream(edition, function (message) {
          deliver(message);
          channel.postMessage(message);
        });
        return new Promise(function () {}); // held while this tab lives
      });
    } else {
      openStream(edition, deliver);
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

  // ----- the discussion: live comments, reactions without a reload -----

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function applyComment(discussion, kind, data) {
    if (!data || Number(data.article_id) !== Number(discussion.dataset.discussion)) return;
    var count = discussion.querySelector("[data-comment-count]");
    if (count && data.count_label) count.textContent = "(" + data.count_label + ")";
    var existing = document.getElementById("comment-" + Number(data.comment_id));
    if (kind === "comment-removed") {
      if (existing) existing.remove();
      return;
    }
    if (!data.html) return;
    var item = fragment(data.html);
    if (!item) return;
    if (existing) {
      // Keep the reader's own controls: replace only the text.
      var text = existing.querySelector(".comment__text");
      var fresh = item.querySelector(".comment__text");
      if (text && fresh) text.innerHTML = fresh.innerHTML;
      return;
    }
    item.classList.add("comment--new");
    if (data.root_id) {
      var replies = discussion.querySelector('[data-replies="' + Number(data.root_id) + '"]');
      if (replies) replies.appendChild(item);
    } else {
      var list = discussion.querySelector("[data-comments]");
      if (list) list.insertBefore(item, list.firstChild);
    }
  }

  // Set (readable, granting nothing) while a reader is logged in here.
  function loggedIn() {
    return /(?:^|;\s*)dateline_reader=1(?:;|$)/.test(document.cookie);
  }

  // The article page is the same cached page for every reader. A logged-in
  // reader's own discussion (their form and its token, their reactions,
  // their comments waiting for a moderator, edit and delete) comes from a
  // small request of its own and takes the shared section's place.
  function layOwnDiscussion(shared) {
    if (!shared.dataset.me || !window.fetch || !loggedIn()) return;
    window
      .fetch(shared.dataset.me, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.status === 200 ? response.text() : null;
      })
      .then(function (html) {
        var own = html && fragment(html);
        if (!own || !own.matches("[data-discussion]") || !shared.isConnected) return;
        // Read after the shared page, the reader's copy holds every comment it does.
        shared.replaceWith(own);
        var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
        if (target && own.contains(target)) target.scrollIntoView();
      })
      .catch(function () {
        // The shared section stays; its links still lead to the discussion page.
      });
  }

  function setUpDiscussion() {
    var discussion = document.querySelector("[data-discussion]");
    var edition = document.body.dataset.edition;
    if (!discussion || !edition) return;
    layOwnDiscussion(discussion);
    if (window.EventSource) {
      var source = new EventSource(
        "/" + edition + "/newsfeed/events?article=" + Number(discussion.dataset.discussion)
      );
      ["comment-added", "comment-changed", "comment-removed"].forEach(function (kind) {
        source.addEventListener(kind, function (event) {
          var data = null;
          try {
            data = JSON.parse(event.data);
          } catch (e) {
            return;
          }
          var current = document.querySelector("[data-discussion]");
          if (current) applyComment(current, kind, data);
        });
      });
    }
    if (!window.fetch) return;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("reaction-form") || form.dataset.plain) return;
      if (!form.closest("[data-discussion]")) return;
      var button = event.submitter;
      if (!button || !button.value) return;
      event.preventDefault();
      button.setAttribute("aria-busy", "true");
      var data = new FormData(form);
      data.set("kind", button.value);
      window
        .fetch(form.getAttribute("action"), {
          method: "POST",
          body: new URLSearchParams(data),
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
        .then(function (response) {
          if (!response.ok) throw new Error("reaction answered " + response.status);
          return response.json();
        })
        .then(function (answer) {
          var box = form;
          answer.reactions.forEach(function (r) {
            var other = box.querySelector('button[data-kind="' + r.kind + '"]');
            if (!other) return;
            other.querySelector(".reaction__count").textContent = String(r.count);
            other.setAttribute("aria-pressed", r.mine ? "true" : "false");
            other.classList.toggle("reaction--mine", r.mine);
          });
        })
        .catch(function () {
          // The page's own form then, without the script.
          form.dataset.plain = "1";
          form.requestSubmit(button);
        })
        .then(function () {
          button.removeAttribute("aria-busy");
        });
    });
  }

  // The moderation queue by keyboard: j/k move, a approve, r reject, b ban.
  function setUpModerationKeys() {
    var queue = document.querySelector("[data-mod-queue]");
    if (!queue) return;
    var items = queue.querySelectorAll(".mod-item");
    if (!items.length) return;
    var current = 0;
    function focus(index) {
      current = Math.max(0, Math.min(items.length - 1, index));
      Array.prototype.forEach.call(items, function (item, i) {
        item.classList.toggle("mod-item--current", i === current);
      });
      items[current].focus();
    }
    focus(0);
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select") return;
      if (event.key === "j") {
        focus(current + 1);
      } else if (event.key === "k") {
        focus(current - 1);
      } else if (event.key === "a" || event.key === "r" || event.key === "b") {
        var button = items[current].querySelector('button[data-key="' + event.key + '"]');
        if (button) {
          event.preventDefault();
          button.click();
        }
      }
    });
  }


  // ----- 5. Chat rooms -----
  //
  // The room page, rendered with its recent history, opens the room's
  // WebSocket and becomes the live room: new messages, edits, deletions,
  // reactions, pins and the head count arrive as frames. The last event
  // id seen is kept, so a reconnection (with growing, jittered pauses)
  // resumes with `?after=` and misses nothing. Messages are keyed by id:
  // a frame about a message already shown replaces it.

  var REACTIONS = [["like", "\uD83D\uDC4D"], ["insightful", "\uD83D\uDCA1"], ["funny", "\uD83D\uDE04"], ["sad", "\uD83D\uDE22"]];

  function setUpChat() {
    var page = document.querySelector("[data-chat-socket]");
    if (!page || !window.WebSocket || !window.JSON) return;
    // An older page of the history stays as it is: the newest is live.
    if (/[?&]before=/.test(window.location.search)) return;
    var strings = {};
    try {
      strings = JSON.parse(page.dataset.chatStrings || "{}");
    } catch (e) {
      strings = {};
    }
    var log = page.querySelector("[data-chat-log]");
    var form = page.querySelector("[data-chat-form]");
    var textarea = form.querySelector("textarea");
    var statusLine = page.querySelector("[data-chat-status]");
    var why = page.querySelector("[data-chat-why]");
    var people = page.querySelector("[data-chat-people]");
    var empty = page.querySelector("[data-chat-empty]");
    var pinnedBox = page.querySelector("[data-chat-pinned]");
    var replying = page.querySelector("[data-chat-replying]");
    var replyLabel = page.querySelector("[data-chat-reply-label]");
    var me = { id: null, moderator: false, can_write: false };
    var lastEvent = null;
    var socket = null;
    var attempts = 0;
    var nonce = 0;
    var pending = null;
    var mode = null; // {reply: id} or {edit: id}

    function say(text) {
      statusLine.textContent = text || "";
    }

    function nearBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    }

    function send(frame) {
      if (!socket || socket.readyState !== 1) return false;
      nonce += 1;
      frame.nonce = nonce;
      socket.send(JSON.stringify(frame));
      return nonce;
    }

    function button(label, action, extra) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chat-action";
      b.textContent = label;
      b.dataset.action = action;
      if (extra) b.dataset.value = extra;
      return b;
    }

    function actionsFor(m) {
      var bar = document.createElement("div");
      bar.className = "chat-msg__actions";
      if (m.deleted || me.id === null) return bar;
      var mine = m.author_id === me.id;
      if (me.can_write) {
        bar.appendChild(button(strings.reply || "Reply", "reply"));
        REACTIONS.forEach(function (r) {
          var b = button(r[1], "react", r[0]);
          b.setAttribute("aria-label", (strings.react || "React") + ": " + r[0]);
          bar.appendChild(b);
        });
      }
      if (mine && me.can_write) bar.appendChild(button(strings.edit || "Edit", "edit"));
      if (mine || me.moderator) bar.appendChild(button(strings["delete"] || "Delete", "delete"));
      if (!mine) bar.appendChild(button(strings.report || "Report", "report"));
      if (me.moderator) {
        bar.appendChild(button(m.pinned ? strings.unpin || "Unpin" : strings.pin || "Pin", m.pinned ? "unpin" : "pin"));
        if (!mine && !m.staff && m.author_id !== null) {
          bar.appendChild(button(strings.mute || "Mute", "mute"));
          bar.appendChild(button(strings.ban || "Ban", "ban"));
        }
      }
      return bar;
    }

    function messageElement(m) {
      var li = document.createElement("li");
      li.className = "chat-msg" + (m.deleted ? " chat-msg--deleted" : "") + (m.author_id === me.id ? " chat-msg--mine" : "");
      li.id = "m" + Number(m.id);
      li.dataset.id = String(m.id);
      if (m.author_id !== null && m.author_id !== undefined) li.dataset.author = String(m.author_id);
      li.dataset.json = JSON.stringify(m);
      var head = document.createElement("p");
      head.className = "chat-msg__head";
      var author = document.createElement("span");
      author.className = "chat-msg__author";
      author.textContent = m.author;
      head.appendChild(author);
      if (m.staff) {
        var badge = document.createElement("span");
        badge.className = "chat-badge";
        badge.textContent = strings.staff || "Staff";
        head.appendChild(document.createTextNode(" "));
        head.appendChild(badge);
      }
      var time = document.createElement("time");
      time.dateTime = m.at;
      var at = new Date(m.at);
      time.textContent = isNaN(at) ? m.time : at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      head.appendChild(document.createTextNode(" "));
      head.appendChild(time);
      if (m.edited && !m.deleted) {
        var edited = document.createElement("span");
        edited.className = "chat-msg__edited";
        edited.textContent = " " + (strings.edited || "(edited)");
        head.appendChild(edited);
      }
      li.appendChild(head);
      if (m.reply) {
        var quote = document.createElement("p");
        quote.className = "chat-msg__reply";
        var link = document.createElement("a");
        link.href = "#m" + Number(m.reply.id);
        link.textContent = m.reply.author;
        quote.appendChild(link);
        quote.appendChild(document.createTextNode(": " + (m.reply.deleted ? strings.deleted || "" : m.reply.excerpt)));
        li.appendChild(quote);
      }
      var body = document.createElement("div");
      body.className = "chat-msg__body";
      if (m.deleted) {
        var gone = document.createElement("em");
        gone.textContent = strings.deleted || "Message deleted";
        body.appendChild(gone);
      } else {
        // Escaped text and links, made by the server.
        body.innerHTML = m.html;
      }
      li.appendChild(body);
      if (m.reactions && m.reactions.length && !m.deleted) li.appendChild(reactionsLine(m.reactions));
      li.appendChild(actionsFor(m));
      return li;
    }

    function reactionsLine(reactions) {
      var line = document.createElement("p");
      line.className = "chat-msg__reactions";
      reactions.forEach(function (r) {
        var span = document.createElement("span");
        span.dataset.kind = r.kind;
        span.textContent = r.symbol + " " + r.count;
        line.appendChild(span);
        line.appendChild(document.createTextNode(" "));
      });
      return line;
    }

    function upsert(m, atTop) {
      var stick = nearBottom();
      var fresh = messageElement(m);
      var existing = document.getElementById("m" + Number(m.id));
      if (existing && log.contains(existing)) {
        log.replaceChild(fresh, existing);
      } else if (atTop) {
        log.insertBefore(fresh, log.firstChild);
      } else {
        log.appendChild(fresh);
        if (stick) log.scrollTop = log.scrollHeight;
      }
      empty.hidden = log.children.length > 0;
    }

    function current(id) {
      var element = document.getElementById("m" + Number(id));
      if (!element || !element.dataset.json) return null;
      try {
        return JSON.parse(element.dataset.json);
      } catch (e) {
        return null;
      }
    }

    function renderPinned(list) {
      var ul = pinnedBox.querySelector("ul");
      ul.textContent = "";
      list.forEach(function (m) {
        var li = document.createElement("li");
        li.dataset.pin = String(m.id);
        var who = document.createElement("strong");
        who.textContent = m.author;
        li.appendChild(who);
        li.appendChild(document.createTextNode(": "));
        var span = document.createElement("span");
        span.innerHTML = m.html;
        li.appendChild(span);
        ul.appendChild(li);
      });
      pinnedBox.hidden = list.length === 0;
    }

    function pinnedList() {
      var items = [];
      Array.prototype.forEach.call(pinnedBox.querySelectorAll("li[data-pin]"), function (li) {
        var m = current(li.dataset.pin);
        if (m) items.push(m);
      });
      return items;
    }

    function olderLink(more) {
      var link = page.querySelector("[data-chat-older]");
      if (!more) {
        if (link) link.parentNode.remove();
        return;
      }
      if (!link) {
        var p = document.createElement("p");
        p.className = "chat-older";
        link = document.createElement("a");
        link.dataset.chatOlder = "";
        link.textContent = strings.older || "Earlier messages";
        p.appendChild(link);
        log.parentNode.insertBefore(p, log);
      }
      link.href = "#";
    }

    function setMode(next) {
      mode = next;
      if (!mode) {
        replying.hidden = true;
        return;
      }
      var m = current(mode.reply || mode.edit);
      replyLabel.textContent = mode.reply ? (strings.replying || "Replying to") + " " + (m ? m.author : "") : strings.edit || "Edit";
      replying.hidden = false;
      if (mode.edit && m) {
        var body = document.querySelector("#m" + Number(m.id) + " .chat-msg__body");
        textarea.value = body ? body.innerText : "";
      }
      textarea.focus();
    }

    function hello(data) {
      me = data.you;
      form.hidden = !me.can_write;
      why.hidden = me.can_write;
      if (!me.can_write && data.you.why_not) {
        var login = why.querySelector("a");
        why.textContent = data.you.why_not + " ";
        if (login) why.appendChild(login);
      }
      people.textContent = (strings.people || "") + " " + data.people;
      page.querySelector("[data-chat-title]").textContent = data.room.title;
      page.querySelector("[data-chat-closed]").hidden = data.room.open;
      if (!data.resumed) {
        log.textContent = "";
        data.messages.forEach(function (m) {
          upsert(m, false);
        });
        olderLink(data.more);
        log.scrollTop = log.scrollHeight;
        if (typeof data.last_event === "number") lastEvent = data.last_event;
      } else {
        // Rights may have changed: redraw every message's actions.
        Array.prototype.forEach.call(log.children, function (li) {
          var m = current(li.dataset.id);
          if (m) upsert(m, false);
        });
      }
      renderPinned(data.pinned || []);
      empty.hidden = log.children.length > 0;
    }

    function onFrame(data) {
      if (typeof data.event === "number") lastEvent = Math.max(lastEvent || 0, data.event);
      switch (data.type) {
        case "hello":
          hello(data);
          say("");
          break;
        case "message":
        case "edited":
          upsert(data.message, false);
          break;
        case "pinned":
        case "unpinned":
          upsert(data.message, false);
          var list = pinnedList().filter(function (m) {
            return m.id !== data.message.id;
          });
          if (data.type === "pinned") list.unshift(data.message);
          renderPinned(list);
          break;
        case "deleted":
          var gone = current(data.id);
          if (gone) {
            gone.deleted = true;
            gone.html = "";
            gone.reactions = [];
            upsert(gone, false);
          }
          // Replies quoting it no longer show its text.
          Array.prototype.forEach.call(log.children, function (li) {
            var quoting = current(li.dataset.id);
            if (quoting && quoting.reply && quoting.reply.id === data.id) {
              quoting.reply.deleted = true;
              quoting.reply.excerpt = "";
              upsert(quoting, false);
            }
          });
          renderPinned(
            pinnedList().filter(function (m) {
              return m.id !== data.id;
            })
          );
          break;
        case "reactions":
          var reacted = current(data.id);
          if (reacted) {
            reacted.reactions = data.reactions;
            upsert(reacted, false);
          }
          break;
        case "presence":
          people.textContent = (strings.people || "") + " " + data.people;
          break;
        case "history":
          var first = log.firstChild;
          for (var i = data.messages.length - 1; i >= 0; i--) upsert(data.messages[i], true);
          if (first) first.scrollIntoView();
          olderLink(data.more);
          break;
        case "room":
        case "sanctioned":
          // What one may do changed: a fresh hello says so.
          if (data.type === "room" || data.user === me.id) socket.close();
          break;
        case "ack":
          if (pending && data.nonce === pending) {
            textarea.value = "";
            setMode(null);
            pending = null;
            form.querySelector("button[type=submit]").disabled = false;
          }
          break;
        case "error":
          say(data.message);
          if (pending && data.nonce === pending) {
            pending = null;
            form.querySelector("button[type=submit]").disabled = false;
          }
          break;
      }
    }

    function connect() {
      say(attempts ? strings.reconnecting : strings.connecting);
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var url = scheme + window.location.host + page.dataset.chatSocket;
      if (lastEvent !== null) url += "?after=" + lastEvent;
      socket = new WebSocket(url);
      socket.onopen = function () {
        attempts = 0;
      };
      socket.onmessage = function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        onFrame(data);
      };
      socket.onclose = function () {
        attempts += 1;
        pending = null;
        form.querySelector("button[type=submit]").disabled = false;
        say(strings.reconnecting);
        var pause = Math.min(30000, 500 * Math.pow(2, Math.min(attempts, 6)));
        window.setTimeout(connect, pause / 2 + Math.random() * pause / 2);
      };
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value;
      if (!text.trim() || pending) return;
      var frame = mode && mode.edit ? { type: "edit", id: mode.edit, text: text } : { type: "send", text: text };
      if (mode && mode.reply) frame.reply_to = mode.reply;
      pending = send(frame);
      if (pending) form.querySelector("button[type=submit]").disabled = true;
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    page.querySelector("[data-chat-cancel]").addEventListener("click", function () {
      if (mode && mode.edit) textarea.value = "";
      setMode(null);
    });
    page.addEventListener("click", function (event) {
      var target = event.target;
      if (target.matches && target.matches("[data-chat-older]")) {
        event.preventDefault();
        var first = log.firstElementChild;
        if (first) send({ type: "history", before: Number(first.dataset.id) });
        return;
      }
      if (!target.dataset || !target.dataset.action) return;
      var item = target.closest(".chat-msg");
      if (!item) return;
      var id = Number(item.dataset.id);
      var author = Number(item.dataset.author);
      switch (target.dataset.action) {
        case "reply":
          setMode({ reply: id });
          break;
        case "edit":
          setMode({ edit: id });
          break;
        case "react":
          send({ type: "react", id: id, reaction: target.dataset.value });
          break;
        case "delete":
          if (window.confirm(strings.confirm_delete)) send({ type: "delete", id: id });
          break;
        case "report":
          var reason = window.prompt(strings.report_reason, "spam");
          if (reason) {
            send({ type: "report", id: id, reason: reason.trim().toLowerCase() });
            say(strings.reported);
          }
          break;
        case "pin":
          send({ type: "pin", id: id });
          break;
        case "unpin":
          send({ type: "unpin", id: id });
          break;
        case "mute":
          send({ type: "mute", user: author, minutes: 60 });
          break;
        case "ban":
          if (window.confirm(strings.confirm_ban)) send({ type: "ban", user: author });
          break;
      }
    });
    connect();
  }

  function start() {
    setUpInfiniteScroll();
    setUpLive();
    setUpEditorBackup();
    setUpMediaUpload();
    setUpEditorPhotoUpload();
    setUpFocalPicker();
    setUpDiscussion();
    setUpModerationKeys();
    setUpChat();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
