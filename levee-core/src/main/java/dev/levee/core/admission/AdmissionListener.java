package dev.levee.core.admission;

/**
 * Told what a {@link PriorityAdmission} does that users act on (set with
 * {@link PriorityAdmission.Builder#listener}). Every method has a no-op default; implement those you need. Called
 * on the thread that made the decision, outside the admission's lock: keep it short and do not block. An exception
 * it throws is caught and logged once; it never reaches the admission.
 */
public interface AdmissionListener {

    /** A request was shed: its class queue was full, it was pushed out by a higher class, or it waited too long. */
    default void onShed(AdmissionRejectedException shed) {}
}
