# Sourced by run.sh and bench/suite.sh, so the bench measures the launcher exactly as ./run.sh starts it: sets
# tessera_launcher_java_options (an array) and exports MALLOC_ARENA_MAX for the launcher and every JVM it starts.
#
# The launcher's heap holds the gateway's buffers and the inbox's mails. Without -Xms the initial heap is 1/64 of
# the machine's memory (here the whole 256 MB cap), and a heap never shrinks below its initial size; with the serial
# collector and MaxHeapFreeRatio it gives back what a full collection frees, as the services' options do
# (docs/decisions/2026-12-02-jvm-footprint.md). TESSERA_LAUNCHER_JAVA_OPTS replaces the whole set.
read -r -a tessera_launcher_java_options <<<"${TESSERA_LAUNCHER_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-UsePerfData -XX:TrimNativeHeapInterval=10000}"

# Two glibc malloc arenas: glibc's default of up to 8 per core is for many-threaded native code, not for a JVM whose
# heap is its own.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
