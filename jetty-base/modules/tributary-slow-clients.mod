# Tributary: closes connections whose request line and headers trickle in (a "slowloris" client).

[description]
Closes HTTP/1.1 connections whose request line and headers take longer than
tributary.headers.timeout to arrive. Needs Tributary's tributary-jetty.jar (the build writes it to
target/, beside the WAR; tributary.jetty.jar= says where it is if you moved it).

[depend]
server
http

[lib]
${tributary.jetty.jar}

[xml]
etc/tributary-slow-clients.xml

[ini]
tributary.jetty.jar?=${jetty.base}/../target/tributary-jetty.jar
tributary.headers.timeout?=10000
