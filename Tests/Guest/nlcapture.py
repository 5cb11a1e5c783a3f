#!/usr/bin/python3
"""nlcapture.py OUTDIR NAME COMMAND [NAME COMMAND ...] -- runs IN THE GUEST, as root.

Records every NETLINK_GENERIC message that crosses the nlmon0 tap (both directions) while COMMAND runs, and
writes OUTDIR/NAME.txt: one line per netlink message, '>' user->kernel or '<' kernel->user, then its bytes in
hex. A frame from the tap may hold several messages (dump replies); they are split on nlmsg_len.
"""
import os, socket, struct, subprocess, sys, time

NETLINK_GENERIC = 16
NLM_F_REQUEST = 1

def split(frame):
    off = 0
    while off + 16 <= len(frame):
        length = struct.unpack_from("=I", frame, off)[0]
        if length < 16 or off + length > len(frame):
            break
        yield frame[off:off + length]
        off += (length + 3) & ~3

def drain(sock, quiet_for):
    frames, deadline = [], time.monotonic() + quiet_for
    while True:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, addr = sock.recvfrom(1 << 20)
        except socket.timeout:
            return frames
        if addr[1] == NETLINK_GENERIC:
            frames.append(data)
        deadline = time.monotonic() + quiet_for

def main():
    out, pairs = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))  # ETH_P_ALL
    sock.bind(("nlmon0", 0))
    drain(sock, 0.2)
    for name, command in zip(pairs[::2], pairs[1::2]):
        rc = subprocess.call(command, shell=True, stdout=subprocess.DEVNULL)
        lines = [f"# {command} (exit {rc})"]
        for frame in drain(sock, 0.5):
            for msg in split(frame):
                flags = struct.unpack_from("=H", msg, 6)[0]
                lines.append(("> " if flags & NLM_F_REQUEST else "< ") + msg.hex())
        with open(os.path.join(out, name + ".txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{name}: {len(lines) - 1} messages, exit {rc}")

main()
