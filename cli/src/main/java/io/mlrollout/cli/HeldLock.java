package io.mlrollout.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file, held by this process until closed. The operating system releases it when the process
 * ends however it ends, so a killed command never leaves a stale lock behind.
 */
final class HeldLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private HeldLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code file} (created if missing) or fails at once with {@code busy} when another process
     * holds it.
     */
    static HeldLock take(Path file, String busy) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (held == null) {
            channel.close();
            throw new IOException(busy + " (lock " + file + ")");
        }
        return new HeldLock(channel, held);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
