"""A long-lived TCP client for the graceful-termination check (python3 -S -I holder.py HOST PORT CMDS OUT).
Connects once, then for each line of the FIFO CMDS: `rst` closes the connection with a reset (SO_LINGER 0:
IPVS forgets a reset connection in 10 s, a FIN-closed one only after TIME_WAIT's 2 minutes) and exits;
any other line L is sent and the answer line is appended to OUT ("ERR <reason>" when none comes)."""
import socket
import struct
import sys

host, port, cmds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(out, "a", buffering=1) as o:
    try:
        s = socket.create_connection((host, port), timeout=10)
        answers = s.makefile("rb")
    except OSError as e:
        o.write("ERR connect: %s\n" % e)
        sys.exit(1)
    with open(cmds) as lines:
        for cmd in lines:
            cmd = cmd.strip()
            if cmd == "rst":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                o.write("closed\n")
                break
            try:
                s.sendall(cmd.encode() + b"\n")
                line = answers.readline().decode().strip()
                o.write((line or "ERR connection closed") + "\n")
            except OSError as e:
                o.write("ERR %s\n" % e)
