extension PodNetwork {
    /// A pod: `pod.py NAME HTTPPORT UDPPORT READYFILE`; HTTP and UDP on IPv4 and IPv6, both
    /// answering "<name> <client ip>"; creates READYFILE once it listens.
    public static let podServer = #"""
import http.server, socket, sys, threading
name, http_port, udp_port, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def peer(addr):
    return addr[0][7:] if addr[0].startswith("::ffff:") else addr[0]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("%s %s\n" % (name, peer(self.client_address))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
httpd = Server(("::", http_port), Handler)
udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
udp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
udp.bind(("::", udp_port))
def serve_udp():
    while True:
        data, addr = udp.recvfrom(2048)
        udp.sendto(("%s %s" % (name, peer(addr))).encode(), addr)
threading.Thread(target=serve_udp, daemon=True).start()
open(ready, "w").close()
httpd.serve_forever()
"""#

    /// The client: `client.py http HOST PORT N TIMEOUT` or `client.py udp HOST PORT N TIMEOUT SRCPORT`;
    /// prints a JSON ``ClientReport``.
    public static let client = #"""
import http.client, json, socket, sys
mode, host, port, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
counts, sources, errors, order = {}, set(), {}, []
def record(answer):
    pod, source = answer.split()
    counts[pod] = counts.get(pod, 0) + 1
    sources.add(source)
    order.append(pod)
def failed(error):
    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
if mode == "http":
    for _ in range(count):
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.request("GET", "/")
            record(conn.getresponse().read().decode().strip())
            conn.close()
        except Exception as error:
            failed(error)
else:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", int(sys.argv[6])))
    sock.settimeout(timeout)
    for _ in range(count):
        try:
            sock.sendto(b"ping", (host, port))
            record(sock.recv(2048).decode())
        except Exception as error:
            failed(error)
print(json.dumps({"counts": counts, "sources": sorted(sources), "errors": errors, "order": order}))
"""#
}
