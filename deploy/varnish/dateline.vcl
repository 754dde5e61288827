# Varnish in front of Dateline: one cached copy of every public page,
# purged by surrogate key the moment what it shows changes.
#
# Needs the xkey module (Debian: apt-get install varnish varnish-modules).
# Point Dateline at this Varnish (dateline.toml):
#     purge_proxies = ["http://127.0.0.1:6081/"]
# and set the backend below to Dateline's address. With several Dateline
# nodes, list each as a backend behind a director; every node purges.
# See docs/operations.md, "Behind a proxy or CDN".
vcl 4.1;

import xkey;

backend dateline {
    .host = "127.0.0.1";
    .port = "8080";
}

# Who may purge: the Dateline nodes.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "An xkey-purge header names the keys to purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    # Chat rooms' sockets.
    if (req.http.Upgrade ~ "(?i)websocket") {
        return (pipe);
    }
    # Forms, API writes, a reader's own parts, the newsroom, live streams:
    # always Dateline's, with the reader's cookies.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/newsroom" || req.url ~ "^/api/" || req.url ~ "^/newsletter/" || req.url ~ "/events(\?|$)"
        || req.url ~ "^/[^/]+/(comments|account|login|logout|register|password|chats|subscribe)(/|\?|$)"
        || req.url ~ "^/metrics" || req.url ~ "^/healthz") {
        return (pass);
    }
    # Every other page is the same for every reader, logged in or not: the
    # cookies do not change it, so they do not split the cache.
    unset req.http.Cookie;
}

sub vcl_pipe {
    if (req.http.Upgrade) {
        set bereq.http.Upgrade = req.http.Upgrade;
        set bereq.http.Connection = req.http.Connection;
    }
}

sub vcl_backend_response {
    # Dateline names what each page shows; xkey indexes the page by it.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Proxy-Cache = "HIT";
    } else {
        set resp.http.X-Proxy-Cache = "MISS";
    }
}
