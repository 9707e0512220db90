package dev.ocs.run;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.ApiException;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Permission;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answering permission requests: the current route, and the deprecated one for older servers. */
public final class Permissions {
    private final OpencodeClient client;

    public Permissions(OpencodeClient client) {
        this.client = client;
    }

    /** @param reply once, always or reject */
    public void reply(Permission p, String sid, String reply, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reply", reply);
        if (message != null) {
            body.put("message", message);
        }
        try {
            client.post(OpencodeClient.path("permission", p.id(), "reply"), null, body);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            if (e.isServerError()) {
                throw notPending(p.id(), sid);
            }
            // A 404 that is not the server's own JSON error: a server without the newer route.
            try {
                client.post(OpencodeClient.path("session", sid, "permissions", p.id()), null,
                        Map.of("response", reply));
            } catch (ApiException old) {
                if (old.status() == 404) {
                    throw notPending(p.id(), sid);
                }
                throw old;
            }
        }
    }

    private OcsException notPending(String pid, String sid) {
        return new OcsException(ExitCode.NOT_FOUND, "permission " + pid + " is not pending for " + sid + " on "
                + client.connection().displayUrl());
    }
}
