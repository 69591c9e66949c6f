# Varnish in front of the desk's public pages (Varnish 7, Debian's package), as CI tests it
# (tests/test_edge_cache.py). Pages name their tags in Cache-Tag when the app has VARNISH_URL;
# a write sends a BAN naming the tags it stamped (talks/edge_cache.py), so a correction or a
# retraction shows at the next request through Varnish. Set the backend to the app server.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may ban: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed."));
        }
        if (req.http.X-Ban-Tags) {
            ban("obj.http.Cache-Tag ~ " + req.http.X-Ban-Tags);
        } else {
            ban("obj.status != 0");  # an import: every page
        }
        return (synth(200, "Banned."));
    }
    if (req.url ~ "^/(admin|static)/") {
        return (pass);
    }
    # The builtin VCL passes requests with a cookie: editors' requests go to the app.
}

sub vcl_backend_response {
    # A page with its tags is banned when what it shows changes: keep it until then, and
    # answer from it while it is fetched again after its max-age.
    if (beresp.http.Cache-Tag) {
        set beresp.ttl = 1h;
        set beresp.grace = 30s;
    }
}

sub vcl_deliver {
    unset resp.http.Cache-Tag;  # for the bans, not for readers
}
