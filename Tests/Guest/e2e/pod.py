"""A pod of the daemon end-to-end tier (run with `python3 -S -I pod.py NAME READY_FILE` inside the pod's
network namespace). Answers with its own name on
  TCP 8080  HTTP GET -> "NAME\\n" (HTTP/1.0, one request per connection); another first line: line echo
  UDP 5353  any datagram -> "NAME\\n"
  TCP 9000  line echo: each line L -> "NAME L\\n"; the connection stays open until the peer closes it
and creates READY_FILE once all three listen. Only socket and threading: every module read over the
guest's 9p root costs time under TCG."""
import socket
import sys
import threading

name, ready_file = sys.argv[1], sys.argv[2]
answer = (name + "\n").encode()
http_reply = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)
    return s


def serve(s, handler):
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def web(conn):
    """HTTP GET -> NAME. Any other first line starts a line echo as on 9000: a connection held through
    a service whose targetPort is 8080 (the takeover tier's)."""
    with conn, conn.makefile("rb") as lines:
        try:
            conn.settimeout(10)
            first = lines.readline()
            if not first:
                return
            if not first.startswith(b"GET "):
                conn.settimeout(None)
                conn.sendall(name.encode() + b" " + first)
                for line in lines:
                    conn.sendall(name.encode() + b" " + line)
                return
            for line in lines:
                if line in (b"\r\n", b"\n"):
                    break
            conn.sendall(http_reply)
        except OSError:
            pass


def echo(conn):
    with conn, conn.makefile("rb") as lines:
        try:
            for line in lines:
                conn.sendall(name.encode() + b" " + line)
        except OSError:
            pass


def udp(s):
    while True:
        _, peer = s.recvfrom(2048)
        s.sendto(answer, peer)


u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 5353))
for target, arg in ((serve, (listener(8080), web)), (serve, (listener(9000), echo)), (udp, (u,))):
    threading.Thread(target=target, args=arg, daemon=True).start()
open(ready_file, "w").close()
threading.Event().wait()
