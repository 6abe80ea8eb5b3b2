# Tributary: self links that follow the Forwarded / X-Forwarded-* headers of a trusted reverse proxy.

[description]
Jetty's forwarded module (requests take their scheme, host, port and client address from the
Forwarded and X-Forwarded-* headers), and a mark on each request it rewrote, so Tributary's self links
name what the client reached. Enable it only when every request comes through a proxy that sets
those headers itself: Jetty then believes them from anyone. Needs Tributary's tributary-jetty.jar.

[depend]
server
http
forwarded

[lib]
${tributary.jetty.jar}

[xml]
etc/tributary-forwarded.xml

[ini]
tributary.jetty.jar?=${jetty.base}/../target/tributary-jetty.jar
