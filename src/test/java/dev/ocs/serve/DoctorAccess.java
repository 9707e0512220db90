package dev.ocs.serve;

/** Opens Doctor's package-private helpers to tests in other packages. */
public final class DoctorAccess {
    private DoctorAccess() {}

    public static boolean isLocal(String host) {
        return Doctor.isLocal(host);
    }
}
