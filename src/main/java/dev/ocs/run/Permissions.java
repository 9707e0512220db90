package dev.ocs.run;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.session.Permission;


/** Answering permission requests: the current route, and the deprecated one for older servers. */
public final class Permissions {
    private final Api client;

    public Permissions(Api client) {
        this.client = client;
    }

    /** @param reply once, always or reject */
    public void reply(Permission p, String sid, String reply, String message) {
        if (!client.replyPermission(sid, p.id(), reply, message)) {
            throw notPending(p.id(), sid);
        }
    }

    private OcsException notPending(String pid, String sid) {
        return new OcsException(ExitCode.NOT_FOUND, "permission " + pid + " is not pending for " + sid + " on "
                + client.connection().displayUrl());
    }
}
