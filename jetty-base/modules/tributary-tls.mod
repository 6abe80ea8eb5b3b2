# Tributary: HTTPS, with HTTP/2 (h2, chosen by ALPN) and HTTP/1.1, beside the plain HTTP connector.

[description]
HTTPS on jetty.ssl.port (8443) with HTTP/2 and HTTP/1.1, from the keystore at
jetty.sslContext.keyStorePath (etc/keystore.p12 in this base, PKCS12). Give its password with
jetty.sslContext.keyStorePassword=... in start.d/tributary-tls.ini or on the command line.

[depend]
ssl
alpn
http2
https

[ini]
jetty.ssl.port?=8443
jetty.sslContext.keyStorePath?=etc/keystore.p12
jetty.sslContext.keyStoreType?=PKCS12

[ini-template]
## The keystore's password (and its key's, if different).
# jetty.sslContext.keyStorePassword=
# jetty.sslContext.keyManagerPassword=
## Where the keystore is (relative to this base) and the HTTPS port.
# jetty.sslContext.keyStorePath=etc/keystore.p12
# jetty.ssl.port=8443
