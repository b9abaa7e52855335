"""The emulated board seen from the host: one QEMU process (TCG, virtio-gpu,
no graphical front end) with its QEMU monitor (QMP), its guest agent and its
serial console, and the content server the guest reaches through QEMU's user
network (restrict=on: the guest reaches nothing but the forward below).

Used by board_test.py; no test logic here."""
import base64
import http.server
import json
import os
import socket
import subprocess
import threading
import time


class ContentServer:
    """The host's content server on 127.0.0.1: serves the files of `root`.
    Counts requests per path; `down` answers every request with 503."""

    def __init__(self, root):
        self.root = root
        self.hits = {}
        self.down = False
        srv = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=srv.root, **kw)

            def do_GET(self):
                srv.hits[self.path] = srv.hits.get(self.path, 0) + 1
                if srv.down:
                    self.send_error(503)
                    return
                super().do_GET()

            def end_headers(self):
                self.send_header("Cache-Control", "no-cache")
                super().end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class JsonChannel:
    """A QMP or guest-agent socket: one JSON object per line."""

    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.buf = b""

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("channel closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        # (the 0xFF of a guest-sync-delimited reply to an earlier handshake)
        return json.loads(line.lstrip(b"\xff"))

    def skip_past(self, marker, timeout):
        """Drops what arrives up to and including the byte `marker`."""
        self.sock.settimeout(timeout)
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("channel closed")
            self.buf += chunk
        self.buf = self.buf.split(marker, 1)[1]

    def close(self):
        self.sock.close()


class Board:
    """One boot of the board image. `screen()` reads the guest's scanout with
    the monitor's screendump; `sh()` runs a command in the guest through
    qemu-guest-agent (guest-exec) and returns (status, stdout, stderr). The
    board has a sound card (intel-hda) whose output QEMU writes to
    `sound_path`, a WAV file (16-bit stereo, 44.1 kHz) growing as it plays."""

    def __init__(self, vm_dir, work, server_port, accel="tcg", extra_devices=()):
        self.vm_dir, self.work = vm_dir, work
        self.qmp_path = os.path.join(work, "qmp.sock")
        self.qga_path = os.path.join(work, "qga.sock")
        self.serial_path = os.path.join(work, "serial.log")
        self.sound_path = os.path.join(work, "sound.wav")
        for p in (self.qmp_path, self.qga_path):
            if os.path.exists(p):
                os.unlink(p)
        # Each connection the guest opens to 10.0.2.100:80 runs socat, which
        # connects to the host's server on loopback: the only way out.
        fwd = f"guestfwd=tcp:10.0.2.100:80-cmd:socat STDIO TCP4:127.0.0.1:{server_port}"
        cmd = [
            "qemu-system-x86_64", "-accel", accel, "-m", "1536", "-smp", "2",
            "-display", "none", "-vga", "none", "-monitor", "none",
            "-kernel", os.path.join(vm_dir, "vmlinuz"), "-initrd", os.path.join(vm_dir, "initrd.img"),
            "-append", "root=/dev/vda rw console=ttyS0 systemd.show_status=0",
            "-drive", f"file={os.path.join(vm_dir, 'board.img')},format=raw,if=virtio",
            *extra_devices,
            "-device", "virtio-gpu-pci,id=gpu0,xres=1280,yres=720",
            "-device", "virtio-rng-pci",
            "-audiodev", f"wav,id=snd0,path={self.sound_path}",
            "-device", "intel-hda", "-device", "hda-output,audiodev=snd0",
            "-netdev", f"user,id=n0,restrict=on,{fwd}",
            "-device", "virtio-net-pci,netdev=n0",
            "-chardev", f"file,id=ser0,path={self.serial_path}", "-serial", "chardev:ser0",
            "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
            "-chardev", f"socket,id=qga0,path={self.qga_path},server=on,wait=off",
            "-device", "virtio-serial-pci", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
        ]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.qmp = JsonChannel(self.qmp_path, 30)
        self.qmp.recv(30)  # greeting
        self.monitor("qmp_capabilities")
        self.qga = None

    # -- QEMU monitor ------------------------------------------------------
    def monitor(self, command, **args):
        self.qmp.send({"execute": command, "arguments": args})
        while True:
            r = self.qmp.recv(60)
            if "event" in r:
                continue
            if "error" in r:
                raise RuntimeError(f"QMP {command}: {r['error']}")
            return r.get("return")

    def screen(self, path, device="gpu0"):
        """The scanout of a display device of the guest as a PNG file."""
        if os.path.exists(path):
            os.unlink(path)
        self.monitor("screendump", filename=path, format="png", device=device)
        return path

    def set_link(self, up):
        self.monitor("set_link", name="n0", up=up)

    # -- guest agent -------------------------------------------------------
    def _agent(self, timeout):
        if self.qga is None:
            self.qga = JsonChannel(self.qga_path, 10)
        # The agent's documented handshake: a 0xFF byte resets its JSON
        # parser (a request cut off by a reboot, or written while no agent
        # read the port, would otherwise prefix the next one), and
        # guest-sync-delimited answers 0xFF before its reply, so whatever an
        # earlier, interrupted exchange left on the way back is dropped.
        token = int(time.monotonic() * 1000) % 2**31
        self.qga.sock.sendall(b"\xff")
        self.qga.send({"execute": "guest-sync-delimited", "arguments": {"id": token}})
        self.qga.skip_past(b"\xff", timeout)
        while True:
            r = self.qga.recv(timeout)
            if r.get("return") == token:
                return self.qga

    def wait_agent(self, timeout):
        """Waits until the guest's agent answers (the guest has booted far enough)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"QEMU exited with {self.proc.returncode}: {self.proc.stdout.read().decode(errors='replace')}")
            try:
                self._agent(5)
                return time.monotonic() - self.started
            except (OSError, ConnectionError, socket.timeout, ValueError):
                if self.qga:
                    self.qga.close()
                self.qga = None
                time.sleep(1)
        raise TimeoutError(f"the guest agent did not answer in {timeout} s; serial console:\n{self.serial_tail()}")

    def sh(self, script, timeout=120):
        qga = self._agent(30)
        qga.send({"execute": "guest-exec", "arguments": {
            "path": "/bin/sh", "arg": ["-c", script], "capture-output": True}})
        r = qga.recv(30)
        if "error" in r:
            raise RuntimeError(f"guest-exec: {r['error']}")
        pid = r["return"]["pid"]
        deadline = time.monotonic() + timeout
        while True:
            qga.send({"execute": "guest-exec-status", "arguments": {"pid": pid}})
            st = qga.recv(30)["return"]
            if st.get("exited"):
                out = base64.b64decode(st.get("out-data", "")).decode(errors="replace")
                err = base64.b64decode(st.get("err-data", "")).decode(errors="replace")
                return st.get("exitcode", -1), out, err
            if time.monotonic() > deadline:
                raise TimeoutError(f"guest command timed out: {script}")
            time.sleep(0.3)

    def reboot(self, timeout):
        """Reboots the guest (systemctl reboot, in a second: the command
        returns before the agent stops) and waits until the agent answers
        from the new boot."""
        before = self.out("cat /proc/sys/kernel/random/boot_id").strip()
        self.out("systemd-run --quiet --on-active=1 /bin/systemctl reboot")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(2)
            if self.qga:
                self.qga.close()
                self.qga = None
            try:
                self.wait_agent(max(1, deadline - time.monotonic()))
                now = self.out("cat /proc/sys/kernel/random/boot_id", timeout=20).strip()
            except (OSError, ConnectionError, RuntimeError, ValueError, KeyError):
                continue
            if now != before:
                return now
        raise TimeoutError(f"the guest did not come back within {timeout} s of the reboot:\n{self.serial_tail()}")

    def out(self, script, timeout=120):
        code, out, err = self.sh(script, timeout)
        if code != 0:
            raise RuntimeError(f"guest command failed ({code}): {script}\n{out}{err}")
        return out

    def serial_tail(self, n=40):
        try:
            with open(self.serial_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def wait_shutdown(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.monitor("quit")
            except Exception:
                pass
            self.wait_shutdown(20)
        for ch in (self.qmp, self.qga):
            if ch:
                ch.close()
