using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>
/// Registers the channels that configuration sets up (merchant ids, key files, gateway addresses
/// come from configuration or the environment, e.g. PaymentChannels__WeChatPay__MchId); a
/// channel left unconfigured is simply not offered.
/// </summary>
public static class PaymentChannelServices
{
    public static IServiceCollection AddPaymentChannels(this IServiceCollection services, IConfiguration configuration)
    {
        var wechat = configuration.GetSection(WeChatPayOptions.Section).Get<WeChatPayOptions>() ?? new WeChatPayOptions();
        var alipay = configuration.GetSection(AlipayOptions.Section).Get<AlipayOptions>() ?? new AlipayOptions();
        if (wechat.IsConfigured)
        {
            services.AddHttpClient(nameof(WeChatPayChannel));
            services.AddSingleton<IPaymentChannel>(sp => new WeChatPayChannel(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WeChatPayChannel)), wechat, sp.GetRequiredService<IClock>()));
            if (wechat.IsWebAuthConfigured)
            {
                // With the official account's id and secret the residents' page can pay by JSAPI inside WeChat.
                services.AddHttpClient(nameof(WeChatWebAuth));
                services.AddSingleton(sp => new WeChatWebAuth(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WeChatWebAuth)), wechat));
            }
        }

        if (alipay.IsConfigured)
        {
            services.AddHttpClient(nameof(AlipayChannel));
            services.AddSingleton<IPaymentChannel>(sp => new AlipayChannel(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(AlipayChannel)), alipay, sp.GetRequiredService<IClock>()));
        }

        services.AddSingleton<OnlinePayments>();
        return services;
    }
}
